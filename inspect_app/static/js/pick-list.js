// A list of checkboxes with a search box (templates/macros/forms.html, pick_list): typing
// hides the entries whose name does not contain the words typed, accents and case aside.
// Without this script the box stays hidden and every entry shows.
(function () {
  "use strict";

  function fold(value) {
    return value.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function filter(list, search) {
    var words = fold(search.value).split(/\s+/).filter(Boolean);
    list.querySelectorAll("[data-pick-list-item]").forEach(function (item) {
      var name = fold(item.textContent);
      item.hidden = !words.every(function (word) { return name.indexOf(word) !== -1; });
    });
  }

  document.querySelectorAll("[data-pick-list]").forEach(function (list) {
    var search = list.querySelector("[data-pick-list-search]");
    search.hidden = false;
    search.querySelector("input").addEventListener("input", function (event) {
      filter(list, event.target);
    });
  });
})();

// Photos are reduced in the browser before they are kept or sent: at most 1600 px on the
// longer side, re-encoded as JPEG, so a day of photos fits the browser's storage and a
// weak network.
const MAX_SIDE = 1600;
const QUALITY = 0.85;

function canvasOf(width, height) {
  if (typeof OffscreenCanvas !== "undefined") return new OffscreenCanvas(width, height);
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function toJpeg(canvas) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
}

function jpegName(name) {
  const stem = name.replace(/\.[^.]*$/, "") || "photo";
  return `${stem}.jpg`;
}

// A File from an <input type=file> -> {blob, name} as JPEG no larger than MAX_SIDE.
export async function reducePhoto(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = canvasOf(width, height);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return { blob: await toJpeg(canvas), name: jpegName(file.name) };
}

"""Units (communes, wards, offices) and their kinds, managed by the admin."""

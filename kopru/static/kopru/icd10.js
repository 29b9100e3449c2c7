// Fills the ICD-10 datalist as the clinician types: the options come from the server's list,
// searched in the user's language.
document.addEventListener("DOMContentLoaded", function () {
  var list = document.getElementById("icd10-options");
  if (!list) return;
  document.querySelectorAll('input[list="icd10-options"]').forEach(function (input) {
    input.addEventListener("input", function () {
      if (input.value.length < 2) return;
      fetch(list.dataset.url + "?q=" + encodeURIComponent(input.value))
        .then(function (r) { return r.text(); })
        .then(function (html) { list.innerHTML = html; });
    });
  });
});

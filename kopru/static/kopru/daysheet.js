// The day sheet: Enter in the lookup adds a person instead of submitting the form; the field
// empties for the next one; a picked match or a removed row updates the count.
(function () {
  const form = document.getElementById("day-sheet");
  if (!form) return;
  const input = document.getElementById("sheet-q");
  const rows = document.getElementById("sheet-rows");
  const count = document.getElementById("sheet-count");
  const recount = () => {
    const seen = new Set();
    rows.querySelectorAll("tr[id^='row-']").forEach((tr) => {
      if (seen.has(tr.id)) tr.remove(); else seen.add(tr.id);  // the same person twice
    });
    count.textContent = seen.size;
  };
  form.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target === input) {
      e.preventDefault();  // htmx filters need eval, which the CSP forbids: trigger by hand
      if (input.value.trim()) htmx.trigger(input, "sheet-lookup");
    }
  });
  document.body.addEventListener("htmx:beforeRequest", (e) => {
    if (e.detail.elt === input) rows.querySelectorAll("[data-choices]").forEach((r) => r.remove());
  });
  document.body.addEventListener("htmx:afterSwap", (e) => {
    if (e.detail.target === rows) { input.value = ""; input.focus(); recount(); }
  });
  rows.addEventListener("click", (e) => {
    const remove = e.target.closest("[data-remove-row]");
    if (remove) { remove.closest("tr").remove(); recount(); input.focus(); }
    const pick = e.target.closest("[data-pick]");
    if (pick) {
      input.value = pick.dataset.pick;
      htmx.trigger(input, "sheet-lookup");
    }
  });
})();

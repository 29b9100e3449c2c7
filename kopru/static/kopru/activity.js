// The activity sheet: show only the fields the chosen kind needs (a topic for an awareness
// session, findings for a focus group...). Without this script every field shows; the
// server checks them either way.
(function () {
  const form = document.getElementById("day-sheet");
  const kind = document.getElementById("id_kind");
  if (!form || !kind || !form.dataset.needs) return;
  const needs = JSON.parse(form.dataset.needs);
  const optional = ["topic", "activity", "occasion", "findings"];
  const show = () => {
    optional.forEach((name) => {
      const field = document.getElementById("id_" + name);
      if (!field) return;
      const wanted = needs[kind.value] === name || (name === "topic" && field.value);
      field.closest(".mb-3").hidden = !wanted;
    });
  };
  kind.addEventListener("change", show);
  show();
})();

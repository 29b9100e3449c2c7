// Survey pages: hide the questions a form's skip logic does not ask. The server parsed each
// `relevant` expression into a tree (capacity/survey_forms.py) and checks it again on save;
// this only evaluates the tree, so no expression is ever run as code here.
(function () {
  "use strict";

  function number(v) {
    if (v === null || v === undefined || v === "" || Array.isArray(v)) return null;
    var n = Number(v);
    return isNaN(n) ? null : n;
  }

  function text(v) {
    if (Array.isArray(v)) return v.join(" ");
    return v === null || v === undefined ? "" : String(v);
  }

  function compare(op, a, b) {
    var x = number(a), y = number(b);
    if (x === null || y === null) {
      x = text(a); y = text(b);
      if (op !== "=" && op !== "!=") return false;
    }
    switch (op) {
      case "=": return x === y;
      case "!=": return x !== y;
      case "<": return x < y;
      case "<=": return x <= y;
      case ">": return x > y;
      case ">=": return x >= y;
    }
    return false;
  }

  function evaluate(t, answers) {
    switch (t[0]) {
      case "or": return !!(evaluate(t[1], answers) || evaluate(t[2], answers));
      case "and": return !!(evaluate(t[1], answers) && evaluate(t[2], answers));
      case "not": return !evaluate(t[1], answers);
      case "cmp": return compare(t[1], evaluate(t[2], answers), evaluate(t[3], answers));
      case "ref": return answers.hasOwnProperty(t[1]) ? answers[t[1]] : null;
      case "lit": return t[1];
      case "selected":
        var v = evaluate(t[1], answers);
        return Array.isArray(v) ? v.indexOf(t[2]) >= 0 : v === t[2];
      case "count":
        var c = evaluate(t[1], answers);
        return Array.isArray(c) ? c.length : (c === null || c === "" ? 0 : 1);
    }
    return null;
  }

  function valueOf(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    if (!inputs.length) return null;
    var first = inputs[0];
    if (first.type === "checkbox") {
      var picked = [];
      inputs.forEach(function (i) { if (i.checked) picked.push(i.value); });
      return picked.length ? picked : null;
    }
    if (first.type === "radio") {
      var chosen = null;
      inputs.forEach(function (i) { if (i.checked) chosen = i.value; });
      return chosen;
    }
    return first.value === "" ? null : first.value;
  }

  function refresh(form) {
    var answers = {};
    form.querySelectorAll(".survey-question[data-name]").forEach(function (box) {
      var name = box.getAttribute("data-name");
      var tree = box.getAttribute("data-relevant");
      var shown = !tree || !!evaluate(JSON.parse(tree), answers);
      box.classList.toggle("d-none", !shown);
      box.querySelectorAll("input, select, textarea").forEach(function (i) { i.disabled = !shown; });
      if (shown) {
        var v = valueOf(form, name);
        if (v !== null) answers[name] = v;
      }
    });
  }

  document.querySelectorAll("form[data-survey]").forEach(function (form) {
    form.addEventListener("input", function () { refresh(form); });
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });
})();

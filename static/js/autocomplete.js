/* Suggestions from the vocabularies, as progressive enhancement:
   - input[data-autocomplete=occupations]: a datalist of occupation titles (free text allowed);
   - input[data-tags=skills]: comma-separated text becomes tags with suggestions.
   Without JavaScript both stay plain text inputs (skills comma-separated). */
(function () {
  "use strict";
  var ENDPOINTS = { occupations: "/vocabulary/occupations", skills: "/vocabulary/skills" };

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function attachList(input, kind) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.setAttribute("list", list.id);
    input.insertAdjacentElement("afterend", list);
    var lastQuery = "";
    var fill = debounce(function (q) {
      if (q.length < 2 || q === lastQuery) { return; }
      lastQuery = q;
      fetch(ENDPOINTS[kind] + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          list.textContent = "";
          items.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.label;
            if (item.styrk08) { option.label = item.label + " (STYRK " + item.styrk08 + ")"; }
            list.appendChild(option);
          });
        })
        .catch(function () { /* suggestions are optional */ });
    }, 150);
    input.addEventListener("input", function () { fill(input.value.trim()); });
    return list;
  }

  function makeTags(original) {
    var form = original.form;
    var tags = original.value.split(",").map(function (t) { return t.trim(); })
      .filter(function (t) { return t.length > 0; });
    var wrapper = document.createElement("div");
    wrapper.className = "tag-input";
    var listEl = document.createElement("ul");
    listEl.className = "tag-list";
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    var entry = document.createElement("input");
    entry.type = "text";
    entry.autocomplete = "off";
    entry.maxLength = 100;
    // The label and hints point at the original id: give it to the visible entry field.
    entry.id = original.id;
    if (original.getAttribute("aria-describedby")) {
      entry.setAttribute("aria-describedby", original.getAttribute("aria-describedby"));
    }
    if (original.getAttribute("aria-invalid")) {
      entry.setAttribute("aria-invalid", original.getAttribute("aria-invalid"));
    }
    original.id = original.id + "-value";
    original.type = "hidden";
    original.insertAdjacentElement("afterend", wrapper);
    wrapper.appendChild(listEl);
    wrapper.appendChild(entry);
    wrapper.appendChild(live);
    var list = attachList(entry, "skills");

    function sync() { original.value = tags.join(", "); }

    function render() {
      listEl.textContent = "";
      tags.forEach(function (tag, index) {
        var li = document.createElement("li");
        li.className = "tag";
        var text = document.createElement("span");
        text.textContent = tag;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "tag-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Fjern " + tag);
        remove.addEventListener("click", function () {
          tags.splice(index, 1);
          sync();
          render();
          live.textContent = "Fjernet " + tag;
          entry.focus();
        });
        li.appendChild(text);
        li.appendChild(remove);
        listEl.appendChild(li);
      });
    }

    function add(value) {
      value.split(",").forEach(function (part) {
        var tag = part.replace(/\s+/g, " ").trim();
        if (!tag) { return; }
        var exists = tags.some(function (t) { return t.toLowerCase() === tag.toLowerCase(); });
        if (!exists) {
          tags.push(tag);
          live.textContent = "Lagt til " + tag;
        }
      });
      entry.value = "";
      sync();
      render();
    }

    entry.addEventListener("keydown", function (event) {
      if ((event.key === "Enter" || event.key === ",") && entry.value.trim()) {
        event.preventDefault();
        add(entry.value);
      } else if (event.key === "Backspace" && !entry.value && tags.length) {
        var removed = tags.pop();
        sync();
        render();
        live.textContent = "Fjernet " + removed;
      }
    });
    entry.addEventListener("input", function (event) {
      // Picking a suggestion from the list adds it as a tag at once.
      var picked = !event.inputType || event.inputType === "insertReplacementText";
      if (picked && entry.value) {
        var match = Array.prototype.some.call(list.options, function (o) {
          return o.value === entry.value;
        });
        if (match) { add(entry.value); }
      }
    });
    entry.addEventListener("blur", function () {
      if (entry.value.trim()) { add(entry.value); }
    });
    if (form) {
      form.addEventListener("submit", function () {
        if (entry.value.trim()) { add(entry.value); }
      });
    }
    sync();
    render();
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    attachList(input, input.getAttribute("data-autocomplete"));
  });
  document.querySelectorAll("input[data-tags]").forEach(makeTags);
})();

/* argmap viewer: graph, claim table with filters, article text with the claim highlighted.
   Everything from the corpus is read from the JSON data element and written with
   textContent only: no markup is ever built from article text. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("argmap-data").textContent);
  var claims = data.claims;
  var byId = new Map(claims.map(function (c) { return [c.id, c]; }));
  var docs = new Map(data.documents.map(function (d) { return [d.doc_id, d]; }));
  var rows = new Map();
  var related = new Map();
  data.elements.edges.forEach(function (e) {
    var d = e.data;
    if (d.relation === "about") return;
    [[d.source, d.target, true], [d.target, d.source, false]].forEach(function (t) {
      if (!related.has(t[0])) related.set(t[0], []);
      related.get(t[0]).push({ other: t[1], relation: d.relation, outgoing: t[2] });
    });
  });
  var selected = null;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function swatch(color, square) {
    var s = el("span", null, square ? "swatch square" : "swatch");
    s.style.backgroundColor = color;
    return s;
  }

  function addOptions(select, values) {
    values.forEach(function (v) {
      var option = el("option", v);
      option.value = v;
      select.appendChild(option);
    });
  }

  // -- header -------------------------------------------------------------------------
  document.getElementById("title").textContent = data.title;
  document.getElementById("counts").textContent =
    data.documents.length + " documents, " + claims.length + " claims";
  var legend = document.getElementById("legend");
  Object.keys(data.factions).forEach(function (f) {
    var item = el("span");
    item.appendChild(swatch(data.factions[f], true));
    item.appendChild(document.createTextNode(f));
    legend.appendChild(item);
  });
  Object.keys(data.stances).forEach(function (s) {
    var item = el("span");
    item.appendChild(swatch(data.stances[s], false));
    item.appendChild(document.createTextNode(s));
    legend.appendChild(item);
  });
  ["supports", "contrasts", "restates"].forEach(function (r) {
    var item = el("span");
    var line = el("span", null, "edge-" + r);
    line.style.borderTopColor = data.relations[r];
    item.appendChild(line);
    item.appendChild(document.createTextNode(r));
    legend.appendChild(item);
  });

  // -- filters ------------------------------------------------------------------------
  var fFaction = document.getElementById("f-faction");
  var fStance = document.getElementById("f-stance");
  var fCertainty = document.getElementById("f-certainty");
  var fDoc = document.getElementById("f-doc");
  var fText = document.getElementById("f-text");
  var fSource = document.getElementById("f-source");
  addOptions(fFaction, Object.keys(data.factions));
  addOptions(fStance, Object.keys(data.stances));
  addOptions(fCertainty, ["asserted", "hedged"]);
  addOptions(fDoc, data.documents.map(function (d) { return d.doc_id; }));

  function textMatcher() {
    var q = fText.value.trim();
    if (!q) return null;
    try {
      var re = new RegExp(q, "i");
      return function (t) { return re.test(t); };
    } catch (e) {
      var lower = q.toLowerCase();
      return function (t) { return t.toLowerCase().indexOf(lower) >= 0; };
    }
  }

  function passes(c, match) {
    if (fFaction.value && c.factions.indexOf(fFaction.value) < 0) return false;
    if (fStance.value && c.stance !== fStance.value) return false;
    if (fCertainty.value && c.certainty !== fCertainty.value) return false;
    if (fDoc.value && c.doc_id !== fDoc.value) return false;
    if (match && !match(c.text)) return false;
    var who = fSource.value.trim().toLowerCase();
    if (who === "author") { if (c.source) return false; }
    else if (who && (!c.source || c.source.toLowerCase().indexOf(who) < 0)) return false;
    return true;
  }

  // -- table --------------------------------------------------------------------------
  var tbody = document.querySelector("#claims tbody");
  claims.forEach(function (c) {
    var tr = el("tr");
    tr.dataset.claimId = c.id;
    var stance = el("td", null, "stance");
    stance.appendChild(swatch(data.stances[c.stance], false));
    stance.appendChild(document.createTextNode(c.stance));
    tr.appendChild(stance);
    tr.appendChild(el("td", c.factions.join(", ")));
    tr.appendChild(el("td", c.certainty));
    tr.appendChild(el("td", c.source || "\u2014"));
    tr.appendChild(el("td", c.text));
    tr.tabIndex = 0;
    tr.addEventListener("click", function () { select(c.id, false); });
    tr.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(c.id, false); }
      else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        var next = e.key === "ArrowDown" ? tr.nextElementSibling : tr.previousElementSibling;
        while (next && next.hidden) next = e.key === "ArrowDown" ? next.nextElementSibling : next.previousElementSibling;
        if (next) { next.focus(); select(next.dataset.claimId, false); }
      }
    });
    tbody.appendChild(tr);
    rows.set(c.id, tr);
  });

  // Clicking a column header sorts by it (again: the other way); ties keep document order.
  var sortKey = null, sortDir = 1;
  function sortValue(c, key) {
    var v = c[key];
    if (Array.isArray(v)) return v.join(",");
    return v === null || v === undefined ? "" : String(v).toLowerCase();
  }
  document.querySelectorAll("#claims thead th").forEach(function (th) {
    th.addEventListener("click", function () {
      var key = th.dataset.key;
      sortDir = sortKey === key ? -sortDir : 1;
      sortKey = key;
      var order = claims.map(function (c, i) { return [sortValue(c, key), i, c.id]; });
      order.sort(function (a, b) { return a[0] < b[0] ? -sortDir : a[0] > b[0] ? sortDir : a[1] - b[1]; });
      order.forEach(function (o) { tbody.appendChild(rows.get(o[2])); });
      document.querySelectorAll("#claims thead th").forEach(function (h) {
        h.classList.toggle("sorted", h === th);
        h.dataset.dir = h === th ? (sortDir > 0 ? "asc" : "desc") : "";
      });
    });
  });

  // -- graph --------------------------------------------------------------------------
  var nodeCount = data.elements.nodes.length;
  var cy = cytoscape({
    container: document.getElementById("graph"),
    elements: data.elements,
    style: [
      { selector: "node[kind = 'claim']", style: {
        "background-color": "data(stanceColor)", "border-color": "data(factionColor)",
        "border-width": 3, "width": 14, "height": 14 } },
      { selector: "node[kind = 'faction']", style: {
        "background-color": "data(factionColor)", "shape": "round-rectangle", "label": "data(label)",
        "width": 64, "height": 24, "color": "#fff", "font-size": 11, "font-weight": "bold",
        "text-valign": "center", "text-halign": "center" } },
      { selector: "edge", style: {
        "width": 1, "line-color": "data(color)", "curve-style": "bezier", "opacity": 0.8 } },
      { selector: "edge[relation = 'supports']", style: {
        "width": 2, "target-arrow-shape": "triangle", "target-arrow-color": "data(color)" } },
      { selector: "edge[relation = 'contrasts']", style: { "width": 2, "line-style": "dashed" } },
      { selector: "edge[relation = 'restates']", style: { "width": 2, "line-style": "dotted" } },
      { selector: "node:selected", style: { "border-color": "#000", "border-width": 5, "width": 22, "height": 22 } },
      { selector: ".hidden", style: { "display": "none" } }
    ],
    layout: nodeCount > 1500
      ? { name: "concentric", animate: false }
      : { name: "cose", animate: false, nodeRepulsion: function () { return 6000; }, idealEdgeLength: function () { return 40; } }
  });
  cy.on("tap", "node[kind = 'claim']", function (evt) { select(evt.target.id(), true); });

  // -- applying filters ---------------------------------------------------------------
  var visible = claims.map(function (c) { return c.id; });

  function apply() {
    var match = textMatcher();
    var keep = new Set();
    claims.forEach(function (c) {
      var ok = passes(c, match);
      rows.get(c.id).hidden = !ok;
      if (ok) keep.add(c.id);
    });
    cy.batch(function () {
      cy.nodes("[kind = 'claim']").forEach(function (n) {
        if (keep.has(n.id())) n.removeClass("hidden"); else n.addClass("hidden");
      });
    });
    visible = claims.filter(function (c) { return keep.has(c.id); }).map(function (c) { return c.id; });
    if (sortKey) {
      visible = Array.prototype.map.call(tbody.rows, function (r) { return r.dataset.claimId; })
        .filter(function (id) { return keep.has(id); });
    }
    document.getElementById("visible-count").textContent = visible.length + " of " + claims.length + " claims shown";
  }
  [fFaction, fStance, fCertainty, fDoc].forEach(function (s) { s.addEventListener("change", apply); });
  fText.addEventListener("input", apply);
  fSource.addEventListener("input", apply);
  document.getElementById("filters").addEventListener("submit", function (e) { e.preventDefault(); });

  // -- selecting a claim --------------------------------------------------------------
  function select(id, fromGraph) {
    var c = byId.get(id);
    if (!c) return;
    if (selected && rows.get(selected)) rows.get(selected).classList.remove("selected");
    selected = id;
    var row = rows.get(id);
    row.classList.add("selected");
    if (fromGraph) row.scrollIntoView({ block: "nearest" });
    cy.nodes().unselect();
    cy.getElementById(id).select();
    showDetail(c);
    showArticle(c);
  }

  function showDetail(c) {
    var box = document.getElementById("claim-detail");
    box.textContent = "";
    var parts = [
      ["stance", c.stance], ["factions", c.factions.join(", ") || "\u2014"], ["certainty", c.certainty],
      ["source", c.source || "author"], ["cues", c.cues.join(", ") || "\u2014"], ["id", c.id]
    ];
    parts.forEach(function (p, i) {
      if (i) box.appendChild(document.createTextNode(" \u00b7 "));
      box.appendChild(el("b", p[0] + ": "));
      box.appendChild(document.createTextNode(p[1]));
    });
    (related.get(c.id) || []).forEach(function (r) {
      var other = byId.get(r.other);
      if (!other) return;
      var line = el("div", null, "related");
      line.appendChild(el("b", r.relation + (r.outgoing ? " \u2192 " : " \u2190 ")));
      var button = el("button", other.text.length > 90 ? other.text.slice(0, 89) + "\u2026" : other.text);
      button.type = "button";
      button.dataset.claimId = other.id;
      button.addEventListener("click", function () { select(other.id, true); });
      line.appendChild(button);
      box.appendChild(line);
    });
  }

  function showArticle(c) {
    var doc = docs.get(c.doc_id) || { doc_id: c.doc_id };
    document.getElementById("article-title").textContent = doc.title || doc.doc_id;
    document.getElementById("article-meta").textContent =
      [doc.doc_id, doc.date, doc.author, doc.url].filter(function (x) { return x; }).join(" \u00b7 ");
    var pane = document.getElementById("article-text");
    pane.textContent = "";
    var mark = el("mark", c.text);
    mark.id = "highlight";
    if (typeof doc.text === "string" && doc.text.slice(c.start, c.end) === c.text) {
      pane.appendChild(document.createTextNode(doc.text.slice(0, c.start)));
      pane.appendChild(mark);
      pane.appendChild(document.createTextNode(doc.text.slice(c.end)));
    } else {
      pane.appendChild(el("p", "The article text is not in this export; the claim alone:", "hint"));
      pane.appendChild(mark);
    }
    mark.scrollIntoView({ block: "center" });
  }

  apply();
  document.getElementById("article-text").appendChild(el("p", "Click a claim in the table or the graph to read it in its article.", "hint"));

  window.argmapViewer = {
    cy: cy,
    select: function (id) { select(id, false); },
    visibleClaims: function () { return visible.slice(); }
  };
})();

/* psp-graph map page: draws the JSON in #psp-data with vis-network, and wires the
   search box, the issue and relationship filters, tooltips and the details panel.
   Nothing from the data is ever parsed as HTML: every text goes in with
   textContent, and vis-network draws labels on a canvas. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("psp-data").textContent);
  var F = data.flags;
  var workshop = data.workshop;
  var big = data.nodes.length > 500;
  var scale = workshop ? 1.25 : 1;
  var ink = "#111111";
  // Link rows are [from, to, relation, width, details, issues, sources, curve, faded],
  // with trailing empty values left out of the file.
  var FROM = 0, TO = 1, REL = 2, WIDTH = 3, DETAILS = 4, ISSUES = 5, SOURCES = 6, CURVE = 7, FADED = 8;
  var EMPTY = [null, null, null, 1, [], [], [], 0, 0];
  data.edges.forEach(function (e) {
    while (e.length < EMPTY.length) e.push(EMPTY[e.length]);
  });
  data.nodes.forEach(function (n) {
    n.g = n.g || [];
    n.r = n.r || [];
  });

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function rgba(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function shade(hex, factor) {
    var n = parseInt(hex.slice(1), 16);
    var parts = [n >> 16, (n >> 8) & 255, n & 255].map(function (c) { return Math.round(c * factor); });
    return "rgb(" + parts.join(",") + ")";
  }

  function nodeItem(n, i) {
    var cls = data.classes[n.c];
    var faded = (n.f & F.faded) !== 0;
    var lived = (n.f & F.lived) !== 0;
    var alone = (n.f & F.alone) !== 0;
    var centre = (n.f & F.centre) !== 0;
    var fill = faded ? rgba(cls.color, 0.22) : cls.color;
    var border = alone ? "#D62728" : lived ? ink : shade(cls.color, 0.6);
    if (faded) border = "rgba(60,60,60,0.3)";
    var width = lived || alone || centre ? Math.max(3, Math.round(n.s * scale / 5)) : (workshop ? 2 : 1);
    return {
      id: i,
      x: n.x,
      y: n.y,
      size: n.s * scale,
      shape: cls.shape,
      borderWidth: width,
      borderWidthSelected: width + 3,
      shapeProperties: { borderDashes: alone ? [6, 4] : false },
      color: {
        background: fill, border: border,
        highlight: { background: cls.color, border: "#000000" },
        hover: { background: cls.color, border: "#000000" }
      }
    };
  }

  function edgeItem(e, i) {
    var rel = data.relations[e[REL]];
    var faded = e[FADED] === 1;
    var colour = faded ? rgba(rel.color, 0.15) : rel.color;
    var factor = rel.role === "collaboration" ? 0.45 : rel.role === "influence" ? 1.1 : 0.7;
    var item = {
      id: i, from: e[FROM], to: e[TO],
      width: e[WIDTH] * (workshop ? 1.5 : 1),
      color: { color: colour, highlight: rel.color, hover: rel.color, inherit: false },
      arrows: { to: { enabled: rel.arrows, scaleFactor: factor } },
      dashes: rel.dashes.length ? rel.dashes : false
    };
    if (e[CURVE] !== 0) {
      // The curve's sign is relative to the lower node index, whichever way the link points.
      var clockwise = (e[CURVE] > 0) === (e[FROM] < e[TO]);
      item.smooth = { enabled: true, type: clockwise ? "curvedCW" : "curvedCCW", roundness: Math.abs(e[CURVE]) };
    }
    return item;
  }

  var nodes = new vis.DataSet(data.nodes.map(nodeItem));
  var edges = new vis.DataSet(data.edges.map(edgeItem));
  var state = { cover: null, hidden: {} };

  function inCover(issue) { return state.cover[issue] === true; }

  function nodeVisible(i) {
    var n = data.nodes[i];
    return state.cover === null || (n.f & F.centre) !== 0 || n.g.some(inCover);
  }

  function edgeVisible(i) {
    var e = data.edges[i];
    if (state.hidden[e[REL]] || !nodeVisible(e[FROM]) || !nodeVisible(e[TO])) return false;
    return state.cover === null || e[ISSUES].length === 0 || e[ISSUES].some(inCover);
  }

  var nodeView = new vis.DataView(nodes, { filter: function (item) { return nodeVisible(item.id); } });
  var edgeView = new vis.DataView(edges, { filter: function (item) { return edgeVisible(item.id); } });
  var container = document.getElementById("map");
  var options = {
    autoResize: true,
    physics: false,
    layout: { improvedLayout: false },
    interaction: { hover: true, hideEdgesOnDrag: big, hideEdgesOnZoom: big },
    edges: { smooth: false, selectionWidth: 2, hoverWidth: 1 }
  };
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);

  // --- the view: the whole frame (nodes and their placed names) fitted on open -----------
  var frame = data.frame;
  function fitMap() {
    var w = container.clientWidth, h = container.clientHeight;
    if (!w || !h) return;
    var scale = Math.min(w / (frame[2] - frame[0]), h / (frame[3] - frame[1]));
    network.moveTo({ position: { x: (frame[0] + frame[2]) / 2, y: (frame[1] + frame[3]) / 2 }, scale: scale, animation: false });
  }
  fitMap();
  window.addEventListener("resize", fitMap);

  // --- names: drawn by this script where they were placed with the layout ----------------
  // A label row b is [dx, dy, width, height, font size, tier] in layout pixels; tier 0 is
  // always drawn, tier k once it would read at least MIN_FONT screen pixels.
  var FACE = "px 'DejaVu Sans', Verdana, Arial, sans-serif";
  var MIN_FONT = workshop ? 17 : 11;
  var PAD = 0.2;
  var hovered = null;
  var drawn = [];
  function labelText(n) { return (n.f & F.top && n.k ? n.k + ". " : "") + n.l; }
  function drawLabel(ctx, text, x, y, size, maxWidth, faded, boxed) {
    ctx.font = size + FACE;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    var width = Math.min(ctx.measureText(text).width, maxWidth);
    if (boxed) {
      ctx.fillStyle = "rgba(255,255,255,0.92)";
      ctx.strokeStyle = ink;
      ctx.lineWidth = size / 10;
      ctx.fillRect(x - width / 2 - PAD * size, y - size * 0.625, width + 2 * PAD * size, size * 1.25);
      ctx.strokeRect(x - width / 2 - PAD * size, y - size * 0.625, width + 2 * PAD * size, size * 1.25);
    } else {
      ctx.lineJoin = "round";
      ctx.lineWidth = size * 0.22;
      ctx.strokeStyle = "#ffffff";
      ctx.strokeText(text, x, y, maxWidth);
    }
    ctx.fillStyle = faded ? "rgba(17,17,17,0.45)" : ink;
    ctx.fillText(text, x, y, maxWidth);
    return width;
  }
  network.on("beforeDrawing", function (ctx) {
    // The focal actor of an ego map: a wide yellow ring under it.
    data.nodes.forEach(function (n, i) {
      if (!(n.f & F.centre) || !nodeVisible(i)) return;
      var p = network.getPositions([i])[i];
      ctx.beginPath();
      ctx.arc(p.x, p.y, n.s * scale + 22, 0, 2 * Math.PI);
      ctx.fillStyle = "#FFD400";
      ctx.fill();
      ctx.lineWidth = 3;
      ctx.strokeStyle = ink;
      ctx.stroke();
    });
  });
  network.on("afterDrawing", function (ctx) {
    var zoom = network.getScale();
    var positions = network.getPositions();
    drawn = [];
    data.nodes.forEach(function (n, i) {
      var b = n.b;
      if (!b || !nodeVisible(i) || (b[5] > 0 && zoom * b[4] < MIN_FONT)) return;
      var p = positions[i];
      var width = drawLabel(ctx, labelText(n), p.x + b[0], p.y + b[1], b[4], b[2] - 2 * PAD * b[4], (n.f & F.faded) !== 0, false);
      drawn.push({ node: i, width: width + 2 * PAD * b[4] });
    });
    // The node pointed at or found, when its own label is not shown: a boxed name under it.
    if (hovered !== null && nodeVisible(hovered) && !drawn.some(function (d) { return d.node === hovered; })) {
      var n = data.nodes[hovered], p = positions[hovered];
      var size = (workshop ? 24 : 15) / zoom;
      drawLabel(ctx, labelText(n), p.x, p.y + n.s * scale + size, size, 1e9, false, true);
    }
  });
  network.on("hoverNode", function (p) { hovered = p.node; });
  network.on("blurNode", function () { hovered = null; network.redraw(); });
  network.on("selectNode", function (p) { hovered = p.nodes[0]; });

  network.once("afterDrawing", function () {
    window.pspDrawnAt = performance.now();
    window.pspReady = true;
    document.body.setAttribute("data-ready", "true");
  });

  // --- counts -----------------------------------------------------------------
  var count = document.getElementById("count");
  function updateCount() {
    count.textContent = "Showing " + nodeView.length + " of " + data.nodes.length + " nodes";
  }
  function refresh() {
    nodeView.refresh();
    edgeView.refresh();
    updateCount();
  }
  updateCount();

  // --- filters ----------------------------------------------------------------
  document.getElementById("issue-filter").addEventListener("change", function (event) {
    var value = event.target.value;
    state.cover = null;
    if (value !== "") {
      state.cover = {};
      data.issues[Number(value)].covers.forEach(function (issue) { state.cover[issue] = true; });
    }
    refresh();
  });
  Array.prototype.forEach.call(document.querySelectorAll("#type-filter input"), function (box) {
    box.addEventListener("change", function () {
      state.hidden[Number(box.getAttribute("data-rel"))] = !box.checked;
      refresh();
    });
  });

  // --- what a node or a line is --------------------------------------------------
  function names(list, table) { return list.map(function (k) { return table[k]; }); }

  // A definition row: several values as tags, or one value as plain text.
  function addRow(dl, term, values, asText) {
    if (!values || values.length === 0) return;
    dl.appendChild(el("dt", term));
    var dd = el("dd", asText ? values.join("; ") : null);
    if (!asText) values.forEach(function (value) { dd.appendChild(el("span", value, "tag")); });
    dl.appendChild(dd);
  }

  function neighbours(i, role) {
    var found = [];
    edges.forEach(function (item) {
      var e = data.edges[item.id];
      if (e[FROM] === i && data.relations[e[REL]].role === role) found.push(data.nodes[e[TO]].l);
    });
    return found.sort();
  }

  // inPanel: the details panel, which also gives the id that `psp show` takes.
  function describeNode(i, inPanel) {
    var n = data.nodes[i];
    var box = el("div");
    box.appendChild(el("p", n.l, "name"));
    var dl = el("dl");
    addRow(dl, "Type", names(n.t, data.types));
    var notes = [];
    if (n.f & F.lived) notes.push("lived experience");
    if (n.f & F.pseudonym) notes.push("shown by pseudonym");
    if (n.f & F.illustrative) notes.push("illustrative (made up)");
    if (n.f & F.alone) notes.push("affected, with no funded ally");
    addRow(dl, "Notes", notes, true);
    if (n.k) addRow(dl, "Power score", [n.p.toFixed(2) + " (rank " + n.k + ")"], true);
    if (n.d) addRow(dl, "About", [n.d], true);
    addRow(dl, "Issues", n.g.map(function (k) { return data.issues[k].label; }));
    addRow(dl, "Controls", neighbours(i, "resources"));
    addRow(dl, "Needs", neighbours(i, "needs"));
    addRow(dl, "Sources", names(n.r, data.sources));
    if (inPanel) {
      dl.appendChild(el("dt", "Record"));
      var dd = el("dd");
      dd.appendChild(el("code", "psp show " + n.id, "record"));
      dl.appendChild(dd);
    }
    box.appendChild(dl);
    return box;
  }

  function describeEdge(i) {
    var e = data.edges[i];
    var rel = data.relations[e[REL]];
    var box = el("div");
    box.appendChild(el("p", data.nodes[e[FROM]].l + " — " + rel.label + " — " + data.nodes[e[TO]].l, "name"));
    var dl = el("dl");
    e[DETAILS].forEach(function (pair) { addRow(dl, pair[0], [pair[1]], true); });
    addRow(dl, "Issues", e[ISSUES].map(function (k) { return data.issues[k].label; }));
    addRow(dl, "Sources", names(e[SOURCES], data.sources));
    box.appendChild(dl);
    return box;
  }

  var details = document.getElementById("details");
  var hint = details.querySelector(".hint");
  function showDetails(content) {
    details.replaceChildren(el("h2", "Details"), content || hint);
  }

  var tooltip = document.getElementById("tooltip");
  function showTooltip(content, pointer) {
    tooltip.replaceChildren(content);
    tooltip.hidden = false;
    var wrap = container.getBoundingClientRect();
    pointer = { x: pointer.x, y: pointer.y + container.offsetTop };
    var left = pointer.x + 16;
    if (left + tooltip.offsetWidth > wrap.width - 8) left = pointer.x - tooltip.offsetWidth - 16;
    var top = Math.min(pointer.y + 16, wrap.height - tooltip.offsetHeight - 8);
    tooltip.style.left = Math.max(8, left) + "px";
    tooltip.style.top = Math.max(8, top) + "px";
  }
  function hideTooltip() { tooltip.hidden = true; }

  network.on("hoverNode", function (p) { showTooltip(describeNode(p.node), p.pointer.DOM); });
  network.on("hoverEdge", function (p) { showTooltip(describeEdge(p.edge), p.pointer.DOM); });
  network.on("blurNode", hideTooltip);
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);
  network.on("click", function (p) {
    if (p.nodes.length) showDetails(describeNode(p.nodes[0], true));
    else if (p.edges.length) showDetails(describeEdge(p.edges[0]));
    else showDetails(null);
  });

  // --- search -------------------------------------------------------------------
  var list = document.getElementById("names");
  Array.from(new Set(data.nodes.map(function (n) { return n.l; }))).sort().forEach(function (label) {
    var option = document.createElement("option");
    option.value = label;
    list.appendChild(option);
  });
  var status = document.getElementById("search-status");
  // Edit distance (Levenshtein) between two strings: O(a x b).
  function distance(a, b) {
    var row = [];
    for (var j = 0; j <= b.length; j++) row.push(j);
    for (var i = 1; i <= a.length; i++) {
      var previous = row[0];
      row[0] = i;
      for (var k = 1; k <= b.length; k++) {
        var saved = row[k];
        row[k] = Math.min(row[k] + 1, row[k - 1] + 1, previous + (a[i - 1] === b[k - 1] ? 0 : 1));
        previous = saved;
      }
    }
    return row[b.length];
  }
  // Up to three shown names nearest a typo: the whole name, or a word of it, within a third of its length.
  function suggestions(wanted, visible) {
    var scored = visible.map(function (i) {
      var name = data.nodes[i].l.toLowerCase();
      var best = distance(wanted, name);
      name.split(/\s+/).forEach(function (word) { best = Math.min(best, distance(wanted, word)); });
      return { i: i, d: best, name: name };
    }).filter(function (s) { return s.d <= Math.max(1, Math.floor(wanted.length / 3)); });
    scored.sort(function (x, y) { return x.d - y.d || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0); });
    return scored.slice(0, 3).map(function (s) { return s.i; });
  }
  function find(text) {
    var wanted = text.trim().toLowerCase();
    if (!wanted) { status.textContent = ""; return; }
    var visible = nodeView.getIds();
    var exact = visible.filter(function (i) { return data.nodes[i].l.toLowerCase() === wanted; });
    var partial = visible.filter(function (i) { return data.nodes[i].l.toLowerCase().indexOf(wanted) >= 0; });
    var hit = exact.length ? exact[0] : partial[0];
    if (hit === undefined) {
      var close = suggestions(wanted, visible);
      status.replaceChildren(el("span", "No node shown is called “" + text.trim() + "”." + (close.length ? " Did you mean: " : "")));
      close.forEach(function (i, k) {
        var pick = el("button", data.nodes[i].l, "suggestion");
        pick.type = "button";
        pick.addEventListener("click", function () { search.value = data.nodes[i].l; find(data.nodes[i].l); });
        if (k > 0) status.appendChild(document.createTextNode(" "));
        status.appendChild(pick);
      });
      return;
    }
    status.textContent = partial.length > 1 ? partial.length + " matches; showing the first." : "";
    network.selectNodes([hit]);
    hovered = hit;
    network.focus(hit, { scale: Math.max(network.getScale(), 1), animation: false });
    showDetails(describeNode(hit, true));
  }
  var search = document.getElementById("search");
  search.addEventListener("change", function () { find(search.value); });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") find(search.value);
  });

  // --- buttons ------------------------------------------------------------------
  document.getElementById("fit").addEventListener("click", fitMap);
  var toggle = document.getElementById("toggle-panel");
  toggle.addEventListener("click", function () {
    var hidden = document.body.classList.toggle("panel-hidden");
    toggle.textContent = hidden ? "Show panel" : "Hide panel";
    toggle.setAttribute("aria-expanded", hidden ? "false" : "true");
  });
  // Printing: the map area changes size, so fit again before and after.
  function refit() { network.setSize("100%", "100%"); fitMap(); network.redraw(); }
  window.addEventListener("beforeprint", refit);
  window.addEventListener("afterprint", refit);
  if (window.matchMedia) window.matchMedia("print").addEventListener("change", refit);

  window.pspMap = {
    network: network,
    visibleNodeCount: function () { return nodeView.length; },
    labels: function () { return data.nodes.map(function (n) { return n.l; }); },
    fit: fitMap,
    // Labels drawn in the last frame, as {node, width} (width in layout pixels, padding included).
    drawnLabels: function () { return drawn.slice(); }
  };
})();

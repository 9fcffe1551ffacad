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
    // Labels of the actors that matter most are larger, so they stay readable when the whole
    // map is in view; the rest appear as you zoom in (see drawThreshold below).
    var major = centre || lived || alone || (n.f & F.top) !== 0 || n.s >= 22;
    var size = workshop ? (major ? 36 : 22) : (major ? 21 : 14);
    return {
      id: i,
      label: (n.f & F.top ? n.k + ". " : "") + n.l,
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
      },
      font: {
        size: size, face: "system-ui, Arial, sans-serif",
        color: faded ? "rgba(17,17,17,0.4)" : ink,
        strokeWidth: workshop ? 6 : 4, strokeColor: "#ffffff"
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
    physics: data.physics ? {
      enabled: true,
      solver: "barnesHut",
      barnesHut: { gravitationalConstant: -9000, centralGravity: 0.15, springLength: 180, springConstant: 0.02, avoidOverlap: 0.8 },
      stabilization: { iterations: 300, fit: true }
    } : false,
    layout: { improvedLayout: false },
    interaction: { hover: true, hideEdgesOnDrag: big, hideEdgesOnZoom: big },
    edges: { smooth: false, selectionWidth: 2, hoverWidth: 1 },
    nodes: { scaling: { label: { enabled: false, drawThreshold: workshop ? 14 : 6, maxVisible: workshop ? 44 : 28 } } }
  };
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);

  // Small maps settle with physics before they are first drawn, then keep still for the room.
  network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: false }); });
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

  function describeNode(i) {
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
    if (p.nodes.length) showDetails(describeNode(p.nodes[0]));
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
  function find(text) {
    var wanted = text.trim().toLowerCase();
    if (!wanted) { status.textContent = ""; return; }
    var visible = nodeView.getIds();
    var exact = visible.filter(function (i) { return data.nodes[i].l.toLowerCase() === wanted; });
    var partial = visible.filter(function (i) { return data.nodes[i].l.toLowerCase().indexOf(wanted) >= 0; });
    var hit = exact.length ? exact[0] : partial[0];
    if (hit === undefined) {
      status.textContent = "No node shown is called “" + text.trim() + "”.";
      return;
    }
    status.textContent = partial.length > 1 ? partial.length + " matches; showing the first." : "";
    network.selectNodes([hit]);
    network.focus(hit, { scale: Math.max(network.getScale(), 1), animation: false });
    showDetails(describeNode(hit));
  }
  var search = document.getElementById("search");
  search.addEventListener("change", function () { find(search.value); });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") find(search.value);
  });

  // --- buttons ------------------------------------------------------------------
  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: false }); });
  var toggle = document.getElementById("toggle-panel");
  toggle.addEventListener("click", function () {
    var hidden = document.body.classList.toggle("panel-hidden");
    toggle.textContent = hidden ? "Show panel" : "Hide panel";
    if (hidden) {
      var show = el("button", "Show panel");
      show.id = "show-panel";
      show.type = "button";
      show.addEventListener("click", function () {
        document.body.classList.remove("panel-hidden");
        toggle.textContent = "Hide panel";
        show.remove();
      });
      document.getElementById("map-wrap").appendChild(show);
    }
  });

  window.pspMap = {
    network: network,
    visibleNodeCount: function () { return nodeView.length; },
    labels: function () { return nodes.get().map(function (n) { return n.label; }); }
  };
})();

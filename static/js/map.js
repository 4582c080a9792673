// The relationship map: fetches the graph from the URL in data-map-url and draws it with
// cytoscape. Without JavaScript the page still lists the same contacts in a table.
"use strict";

(() => {
  const CIRCLES = ["inner", "close", "active", "extended", "acquaintance"];
  // The force-directed layout grows quadratically (about 0.5 s for 150 contacts, 2 s for 300
  // and 40 s for 1,000 on a laptop); rings by circle take half a second for 1,000.
  const FORCE_LAYOUT_MAX = 150;
  // Names shown at any zoom: the strongest few, about one per 60 pixels of canvas width
  // (8 on a phone, 20 on a wide screen); the others show theirs on hover or a first tap.
  const LABEL_SPACING = 60;
  const LABELS_MIN = 8;
  const LABELS_MAX = 20;
  // On screen, whatever the zoom.
  const LABEL_PIXELS = 12;
  const PADDING = 36;
  // The layout is stretched to the canvas's shape, by at most this much, so it fills it.
  const STRETCH_MAX = 3;

  function cssVar(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function labelCount(container) {
    const count = Math.round(container.clientWidth / LABEL_SPACING);
    return Math.max(LABELS_MIN, Math.min(LABELS_MAX, count));
  }

  function elements(data, labelled) {
    // The server sends the strongest first.
    const named = new Set(data.nodes.slice(0, labelled).map((node) => node.id));
    const colours = Object.fromEntries(
      CIRCLES.map((circle) => [circle, cssVar(`--map-circle-${circle}`, "#6c757d")]),
    );
    // Ring by ring, colleagues side by side, so that company lines stay short in the rings.
    const sorted = data.nodes.slice().sort(
      (a, b) =>
        CIRCLES.indexOf(a.circle) - CIRCLES.indexOf(b.circle) ||
        a.company.trim().localeCompare(b.company.trim(), undefined, { sensitivity: "base" }) ||
        b.strength - a.strength,
    );
    const nodes = sorted.map((node) => ({
      group: "nodes",
      data: {
        id: String(node.id),
        name: node.name,
        url: node.url,
        strength: node.strength,
        rank: CIRCLES.indexOf(node.circle),
        colour: colours[node.circle] || "#6c757d",
      },
      classes: named.has(node.id) ? "named" : "",
    }));
    const edges = data.edges.map((edge, index) => ({
      group: "edges",
      data: { id: `e${index}`, source: String(edge.source), target: String(edge.target) },
      classes: edge.kind,
    }));
    return nodes.concat(edges);
  }

  function layout(count) {
    if (count <= FORCE_LAYOUT_MAX) {
      // Strong gravity and little room between components: the clusters sit side by side
      // rather than around a large empty middle.
      return {
        name: "cose",
        animate: false,
        randomize: true,
        fit: false,
        gravity: 8,
        componentSpacing: 24,
        nodeRepulsion: () => 20000,
      };
    }
    // Inner circle at the centre, acquaintances on the outside.
    return {
      name: "concentric",
      animate: false,
      concentric: (node) => CIRCLES.length - node.data("rank"),
      levelWidth: () => 1,
      minNodeSpacing: 4,
      fit: false,
    };
  }

  function style() {
    const text = cssVar("--bs-body-color", "#212529");
    const background = cssVar("--bs-body-bg", "#ffffff");
    const line = cssVar("--bs-secondary-color", "#6c757d");
    return [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          width: "mapData(strength, 0, 100, 12, 48)",
          height: "mapData(strength, 0, 100, 12, 48)",
          color: text,
          "font-size": LABEL_PIXELS,
          "text-valign": "bottom",
          "text-margin-y": 3,
          "text-outline-color": background,
          "text-outline-width": 2,
        },
      },
      {
        selector: "node.named, node.shown",
        style: {
          label: "data(name)",
          "text-background-color": background,
          "text-background-opacity": 0.7,
          "text-background-shape": "roundrectangle",
        },
      },
      { selector: "node.shown", style: { "z-index": 10 } },
      {
        selector: "edge",
        style: { width: 1.5, "line-color": line, opacity: 0.6, "curve-style": "straight" },
      },
      {
        selector: "edge.introduced",
        style: {
          "target-arrow-shape": "triangle",
          "target-arrow-color": line,
          "arrow-scale": 0.8,
        },
      },
      { selector: "edge.company", style: { "line-style": "dashed", width: 1 } },
      { selector: "node:active", style: { "overlay-opacity": 0.15 } },
    ];
  }

  // Stretches the laid-out graph to the canvas's proportions (a force layout comes out
  // roughly round, a canvas is wide or tall), then fits it, so the graph fills the canvas.
  function fill(cy, container) {
    const box = cy.nodes().boundingBox({ includeLabels: false, includeOverlays: false });
    // A phone's canvas keeps less margin: 36 px a side would leave a fifth of it empty.
    const side = Math.min(container.clientWidth, container.clientHeight);
    const padding = Math.min(PADDING, Math.round(side * 0.05));
    const width = Math.max(container.clientWidth - 2 * padding, 1);
    const height = Math.max(container.clientHeight - 2 * padding, 1);
    const graph = Math.max(box.w, 1) / Math.max(box.h, 1);
    const canvas = width / height;
    const stretchX = graph < canvas ? Math.min(canvas / graph, STRETCH_MAX) : 1;
    const stretchY = graph > canvas ? Math.min(graph / canvas, STRETCH_MAX) : 1;
    const centreX = box.x1 + box.w / 2;
    const centreY = box.y1 + box.h / 2;
    cy.nodes().positions((node) => {
      const at = node.position();
      return {
        x: centreX + (at.x - centreX) * stretchX,
        y: centreY + (at.y - centreY) * stretchY,
      };
    });
    cy.fit(cy.nodes(), padding);
  }

  // Labels keep their size on screen at any zoom.
  function sizeLabels(cy) {
    const zoom = cy.zoom();
    cy.style()
      .selector("node")
      .style({
        "font-size": LABEL_PIXELS / zoom,
        "text-margin-y": 3 / zoom,
        "text-outline-width": 2 / zoom,
      })
      .update();
  }

  function draw(container, data) {
    const large = data.nodes.length > FORCE_LAYOUT_MAX;
    const labelled = labelCount(container);
    const cy = window.cytoscape({
      container,
      elements: elements(data, labelled),
      style: style(),
      layout: layout(data.nodes.length),
      minZoom: 0.05,
      maxZoom: 3,
      // Cheaper panning and zooming for big graphs.
      textureOnViewport: large,
      hideEdgesOnViewport: large,
    });
    fill(cy, container);
    sizeLabels(cy);
    cy.on("zoom", () => sizeLabels(cy));
    // A name shows on hover; a first tap on a touch screen shows it, the next opens the contact.
    // The browser follows a touch with mouse events of its own, which are not a hover.
    let touchedAt = 0;
    const afterTouch = () => Date.now() - touchedAt < 1000;
    container.addEventListener("touchstart", () => (touchedAt = Date.now()), {
      capture: true,
      passive: true,
    });
    cy.on("mouseover", "node", (event) => {
      if (afterTouch()) return;
      event.target.addClass("shown");
      container.classList.add("map-pointer");
    });
    cy.on("mouseout", "node", (event) => {
      event.target.removeClass("shown");
      container.classList.remove("map-pointer");
    });
    cy.on("tap", "node", (event) => {
      if (afterTouch() && event.originalEvent instanceof MouseEvent) return;
      const node = event.target;
      if (node.hasClass("named") || node.hasClass("shown")) {
        window.location.assign(node.data("url"));
        return;
      }
      cy.nodes(".shown").removeClass("shown");
      node.addClass("shown");
    });
    cy.on("tap", (event) => {
      if (event.target === cy) cy.nodes(".shown").removeClass("shown");
    });
    container.dataset.mapLabelled = String(Math.min(labelled, data.nodes.length));
    // For the browser tests: the graph as drawn.
    container.cy = cy;
    return cy;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const panel = document.querySelector("[data-map]");
    if (!panel || typeof window.cytoscape !== "function") return;
    const container = panel.querySelector("[data-map-url]");
    const status = panel.querySelector("[data-map-status]");
    panel.hidden = false;

    fetch(container.dataset.mapUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then((response) => {
        if (!response.ok) throw new Error(`The map data answered ${response.status}.`);
        return response.json();
      })
      .then((data) => {
        status.remove();
        draw(container, data);
        container.dataset.mapReady = "true";
        panel.querySelector("[data-map-hint]").hidden = data.edges.length > 0;
      })
      .catch(() => {
        status.textContent = "The map could not be loaded. The table below lists the same contacts.";
      });
  });
})();

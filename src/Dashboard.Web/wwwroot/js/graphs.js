// Draws every element with a data-graph attribute with Cytoscape. The attribute holds JSON:
// { "nodes": [ { "id", "label", "kind", "selected"? } ],
//   "edges": [ { "source", "target", "label"?, "width"?, "color"?, "dashed"? } ],
//   "layout"?, "nodeLink"? }.
// Labels are drawn by Cytoscape on a canvas as plain text, never parsed as HTML. With nodeLink,
// selecting a node opens nodeLink + the node's id (the server renders the node's figures), so
// the page keeps working as plain links without this script.
(function () {
    function draw(root) {
        if (typeof cytoscape === "undefined") {
            return;
        }
        root.querySelectorAll("[data-graph]").forEach(function (el) {
            if (el.dataset.graphDrawn === "1") {
                return;
            }
            var graph;
            try {
                graph = JSON.parse(el.getAttribute("data-graph"));
            } catch (e) {
                el.textContent = "Graph data could not be read.";
                return;
            }
            var elements = [];
            (graph.nodes || []).forEach(function (n) {
                var data = { id: String(n.id), label: String(n.label ?? n.id), kind: String(n.kind ?? "") };
                if (n.selected === true) {
                    data.selected = true;
                }
                elements.push({ group: "nodes", data: data });
            });
            (graph.edges || []).forEach(function (e, i) {
                var data = { id: "e" + i, source: String(e.source), target: String(e.target), label: e.label == null ? "" : String(e.label) };
                if (typeof e.width === "number") {
                    data.width = e.width;
                }
                if (typeof e.color === "string" && /^#[0-9a-fA-F]{6}$/.test(e.color)) {
                    data.color = e.color;
                }
                if (e.dashed === true) {
                    data.dashed = true;
                }
                elements.push({ group: "edges", data: data });
            });
            var cy = cytoscape({
                container: el,
                elements: elements,
                layout: { name: graph.layout || "breadthfirst", directed: true, padding: 24, spacingFactor: 1.1 },
                style: [
                    { selector: "node", style: { "label": "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, "background-color": "#0d6efd", "width": 18, "height": 18, "text-wrap": "ellipsis", "text-max-width": 160 } },
                    { selector: "node[kind = 'agent']", style: { "background-color": "#20c997", "shape": "hexagon", "width": 22, "height": 20 } },
                    { selector: "node[kind = 'model']", style: { "background-color": "#6f42c1", "shape": "round-rectangle" } },
                    { selector: "node[kind = 'tool']", style: { "background-color": "#198754", "shape": "diamond" } },
                    { selector: "node[kind = 'datastore']", style: { "background-color": "#fd7e14", "shape": "barrel" } },
                    { selector: "node[?selected]", style: { "border-width": 3, "border-color": "#212529", "font-weight": "bold" } },
                    { selector: "edge", style: { "label": "data(label)", "font-size": 9, "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1.5, "line-color": "#adb5bd", "target-arrow-color": "#adb5bd" } },
                    { selector: "edge[width]", style: { "width": "data(width)" } },
                    { selector: "edge[color]", style: { "line-color": "data(color)", "target-arrow-color": "data(color)" } },
                    { selector: "edge[?dashed]", style: { "line-style": "dashed" } }
                ]
            });
            if (typeof graph.nodeLink === "string" && graph.nodeLink.charAt(0) === "/") {
                cy.on("tap", "node", function (evt) {
                    window.location.assign(graph.nodeLink + encodeURIComponent(evt.target.id()));
                });
                cy.on("mouseover", "node", function () { el.style.cursor = "pointer"; });
                cy.on("mouseout", "node", function () { el.style.cursor = ""; });
            }
            // Kept on the element so that other scripts (and browser tests) can reach the drawn graph.
            el.tollgateGraph = cy;
            el.dataset.graphDrawn = "1";
        });
    }
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
})();

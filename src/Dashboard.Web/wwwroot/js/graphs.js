// Draws every element with a data-graph attribute with Cytoscape. The attribute holds JSON:
// { "nodes": [ { "id", "label", "kind" } ], "edges": [ { "source", "target", "label" } ], "layout"? }.
// Labels are drawn by Cytoscape on a canvas as plain text, never parsed as HTML.
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
                elements.push({ group: "nodes", data: { id: String(n.id), label: String(n.label ?? n.id), kind: String(n.kind ?? "") } });
            });
            (graph.edges || []).forEach(function (e, i) {
                elements.push({ group: "edges", data: { id: "e" + i, source: String(e.source), target: String(e.target), label: e.label == null ? "" : String(e.label) } });
            });
            cytoscape({
                container: el,
                elements: elements,
                layout: { name: graph.layout || "breadthfirst", directed: true, padding: 16 },
                style: [
                    { selector: "node", style: { "label": "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, "background-color": "#0d6efd", "width": 18, "height": 18 } },
                    { selector: "node[kind = 'model']", style: { "background-color": "#6f42c1", "shape": "round-rectangle" } },
                    { selector: "node[kind = 'tool']", style: { "background-color": "#198754", "shape": "diamond" } },
                    { selector: "node[kind = 'datastore']", style: { "background-color": "#fd7e14", "shape": "barrel" } },
                    { selector: "edge", style: { "label": "data(label)", "font-size": 9, "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1.5, "line-color": "#adb5bd", "target-arrow-color": "#adb5bd" } }
                ]
            });
            el.dataset.graphDrawn = "1";
        });
    }
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
    document.addEventListener("htmx:after:swap", function (e) { draw(e.target || document); });
})();

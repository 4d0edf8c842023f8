package dev.dat4j.apps.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A self-contained {@code report.html}: inline CSS, inline SVG charts, tables; no script and no
 * network reference, so it opens anywhere. The markup is also well-formed XML.
 *
 * <pre>{@code
 * String html = new ReportHtml("between: accuracy vs training-set size")
 *         .paragraph("Mean ± s.e.m. over 5 seeds.")
 *         .chart(chart)
 *         .table("Results", header, rows)
 *         .render();
 * }</pre>
 */
public final class ReportHtml {
    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1340px;color:#222;padding:0 16px}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}
            .charts{display:flex;flex-wrap:wrap;gap:16px}
            figure{margin:0;border:1px solid #ddd;border-radius:6px;padding:8px;background:#fff}
            figcaption{font-size:.85em;color:#555;max-width:640px}
            svg.chart{font-size:12px}
            svg .plot{fill:#fafafa;stroke:none}
            svg .grid{stroke:#e4e4e4;stroke-width:1}
            svg .axis{stroke:#555;stroke-width:1}
            svg .err{stroke-width:1.5}
            svg .tick{fill:#444}svg .label{fill:#222;font-size:13px}svg .title{font-size:14px;font-weight:600;fill:#222}
            svg .legend{fill:#222;font-size:12px}
            svg .end{text-anchor:end}svg .middle{text-anchor:middle}svg .start{text-anchor:start}
            table{border-collapse:collapse;margin:8px 0;font-size:.9em}
            th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
            th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}
            caption{text-align:left;font-weight:600;padding:4px 0}
            .meta{color:#666;font-size:.85em}
            """;

    private final String title;
    private final List<String> body = new ArrayList<>();
    private final List<String> pendingCharts = new ArrayList<>();

    public ReportHtml(String title) {
        this.title = title;
    }

    public ReportHtml heading(String text) {
        flushCharts();
        body.add("<h2>" + SvgChart.esc(text) + "</h2>");
        return this;
    }

    public ReportHtml paragraph(String text) {
        flushCharts();
        body.add("<p>" + SvgChart.esc(text) + "</p>");
        return this;
    }

    /** Adds a chart; consecutive charts are laid out side by side. */
    public ReportHtml chart(Chart c) {
        return chart(c, null);
    }

    /** Adds a chart with a caption under it. */
    public ReportHtml chart(Chart c, String caption) {
        pendingCharts.add("<figure>" + SvgChart.render(c)
                + (caption == null ? "" : "<figcaption>" + SvgChart.esc(caption) + "</figcaption>") + "</figure>");
        return this;
    }

    /** Adds a table; cells are text. */
    public ReportHtml table(String caption, List<String> header, List<? extends List<?>> rows) {
        flushCharts();
        StringBuilder t = new StringBuilder("<table>");
        if (caption != null) t.append("<caption>").append(SvgChart.esc(caption)).append("</caption>");
        t.append("<thead><tr>");
        for (String h : header) t.append("<th>").append(SvgChart.esc(h)).append("</th>");
        t.append("</tr></thead><tbody>");
        for (List<?> r : rows) {
            t.append("<tr>");
            for (Object v : r) t.append("<td>").append(SvgChart.esc(String.valueOf(v))).append("</td>");
            t.append("</tr>");
        }
        body.add(t.append("</tbody></table>").toString());
        return this;
    }

    /** Adds a two-column table of settings, e.g. the run's config. */
    public ReportHtml keyValues(String caption, Map<String, ?> kv) {
        List<List<?>> rows = new ArrayList<>();
        kv.forEach((k, v) -> rows.add(List.of(k, String.valueOf(v))));
        return table(caption, List.of("setting", "value"), rows);
    }

    public String render() {
        flushCharts();
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>");
        sb.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>");
        sb.append("<title>").append(SvgChart.esc(title)).append("</title><style>").append(CSS).append("</style></head>\n<body>");
        sb.append("<h1>").append(SvgChart.esc(title)).append("</h1>\n");
        for (String b : body) sb.append(b).append('\n');
        return sb.append("</body></html>\n").toString();
    }

    private void flushCharts() {
        if (pendingCharts.isEmpty()) return;
        body.add("<div class=\"charts\">" + String.join("", pendingCharts) + "</div>");
        pendingCharts.clear();
    }
}

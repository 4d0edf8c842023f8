package dev.dat4j.apps.run;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportHtmlTest {

    /** Synthetic learning curves: 3 models, 5 seeds, 10 sizes, like the paper's figure. */
    private static List<Chart> charts() {
        SplittableRandom rnd = new SplittableRandom(3);
        List<Chart> charts = new ArrayList<>();
        for (String task : List.of("same", "between <& \"odd\" names>")) {
            List<Chart.Series> series = new ArrayList<>();
            for (String model : List.of("Transformer", "DAT (1,1)", "DAT (0,2)")) {
                List<Chart.Point> pts = new ArrayList<>();
                for (int size = 250; size <= 2500; size += 250) {
                    List<Double> seeds = new ArrayList<>();
                    for (int s = 0; s < 5; s++) seeds.add(0.5 + 0.4 * size / 2500.0 + rnd.nextDouble() * 0.05);
                    pts.add(Stats.point(size, seeds));
                }
                series.add(new Chart.Series(model, pts));
            }
            charts.add(new Chart(task, "training-set size", "accuracy", series));
        }
        return charts;
    }

    @Test
    void reportIsWellFormedSelfContainedAndHasOneSvgPerChart() throws Exception {
        ReportHtml page = new ReportHtml("Relational Games <test>").paragraph("Mean ± s.e.m. over 5 seeds.");
        for (Chart c : charts()) page.chart(c, "caption for " + c.title());
        page.table("Results", List.of("model", "acc"), List.of(List.of("DAT", "0.93 ± 0.01"), List.of("T", "0.91")));
        page.keyValues("Configuration", Map.of("lr", 0.001));
        String html = page.render();

        // well-formed markup: the JDK's XML parser reads it (no DTD fetched: DOCTYPE html has none)
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        assertEquals("html", doc.getDocumentElement().getTagName());
        NodeList svgs = doc.getElementsByTagName("svg");
        assertEquals(2, svgs.getLength(), "one SVG per chart");
        assertEquals(2 * 3, doc.getElementsByTagName("polyline").getLength(), "one line per model per chart");
        assertEquals(2 * 3 * 10, doc.getElementsByTagName("circle").getLength(), "one marker per point");
        assertTrue(doc.getElementsByTagName("line").getLength() > 2 * 3 * 10 * 3, "error bars with caps");
        assertEquals(2, doc.getElementsByTagName("table").getLength());
        assertEquals(1, doc.getElementsByTagName("style").getLength());

        // self-contained: no script, no external reference of any kind
        String lower = html.toLowerCase();
        for (String bad : List.of("<script", "http:", "https:", "//", "src=", "href=", "@import", "url(")) {
            assertFalse(lower.contains(bad), "report must not contain " + bad);
        }
        assertTrue(html.contains("between &lt;&amp; &quot;odd&quot; names&gt;"), "text is escaped");
    }

    @Test
    void niceTicks() {
        assertEquals(0.05, SvgChart.niceStep(0.043), 1e-12);
        assertEquals(500, SvgChart.niceStep(420), 1e-9);
        assertEquals(1, SvgChart.niceStep(0), 0);
        assertEquals(0.2, SvgChart.niceStep(0.25), 1e-12);
    }

    @Test
    void statsOverSeeds() {
        List<Double> v = List.of(0.9, 0.92, 0.94);
        assertEquals(0.92, Stats.mean(v), 1e-12);
        assertEquals(0.02, Stats.std(v), 1e-12);
        assertEquals(0.02 / Math.sqrt(3), Stats.sem(v), 1e-12);
        assertEquals(0, Stats.sem(List.of(0.5)));
    }
}

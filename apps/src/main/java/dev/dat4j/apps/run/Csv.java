package dev.dat4j.apps.run;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled. */
public final class Csv {
    private Csv() {}

    /** The text of a CSV file with a header row. Doubles print in full precision, integers without ".0". */
    public static String format(List<String> header, List<? extends List<?>> rows) {
        StringBuilder sb = new StringBuilder();
        line(sb, header);
        for (List<?> r : rows) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException("CSV row has " + r.size() + " fields, header has " + header.size());
            }
            line(sb, r);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<?> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(field(fields.get(i)));
        }
        sb.append('\n');
    }

    private static String field(Object v) {
        String s = switch (v) {
            case null -> "";
            case Double d when d == Math.rint(d) && Math.abs(d) < 1e15 -> Long.toString(d.longValue());
            case Double d -> Double.toString(d);
            case Float f -> field(f.doubleValue());
            default -> v.toString();
        };
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** Parses CSV text into rows of fields (the header is row 0). */
    public static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (quoted) {
                if (c == '"' && i < text.length() && text.charAt(i) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(f.toString());
                f.setLength(0);
            } else if (c == '\n') {
                row.add(f.toString());
                f.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else if (c != '\r') {
                f.append(c);
            }
        }
        if (quoted) throw new IllegalArgumentException("CSV ends inside a quoted field");
        if (f.length() > 0 || !row.isEmpty()) {
            row.add(f.toString());
            rows.add(row);
        }
        return rows;
    }
}

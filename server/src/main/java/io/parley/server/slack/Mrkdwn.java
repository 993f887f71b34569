package io.parley.server.slack;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Slack's message markup to Parley's. The emphasis syntax is the same (Parley's formatter reads
 * {@code *bold*}, {@code _italic_}, {@code ~strike~}, code and quotes as Slack does); what differs is Slack's
 * angle-bracket escapes, which Parley writes out: {@code <https://x|label>} → {@code label (https://x)},
 * {@code <@U123|ana>} → {@code @ana}, {@code <!here>} → {@code @here}, {@code <#C1|ops>} → {@code #ops}, and the
 * entities {@code &amp; &lt; &gt;} Slack requires in text become their characters again.
 */
final class Mrkdwn {
    private static final Pattern ESCAPE = Pattern.compile("<([^<>\\s][^<>]*)>");

    /** Text in Parley's markup plus the mentions Slack's escapes spelled out. */
    record Converted(String text, Set<String> handles, boolean channel, boolean here) {}

    /** Accumulates the explicit mentions of one payload across its parts. */
    static final class Mentions {
        final Set<String> handles = new LinkedHashSet<>();
        boolean channel;
        boolean here;
    }

    private Mrkdwn() {}

    /** Converts one piece of mrkdwn, recording its explicit mentions in {@code into}. */
    static String convert(String s, Mentions into) {
        if (s == null || s.isEmpty()) return "";
        Matcher m = ESCAPE.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        int last = 0;
        while (m.find()) {
            out.append(unescape(s.substring(last, m.start())));
            out.append(escape(m.group(1), into));
            last = m.end();
        }
        out.append(unescape(s.substring(last)));
        return out.toString();
    }

    private static String escape(String inner, Mentions into) {
        int bar = inner.indexOf('|');
        String target = bar < 0 ? inner : inner.substring(0, bar);
        String label = bar < 0 ? null : unescape(inner.substring(bar + 1));
        if (target.startsWith("@")) { // <@U123> or <@U123|name>
            String who = label != null && !label.isBlank() ? label.replaceFirst("^@", "") : target.substring(1);
            into.handles.add(who.toLowerCase(java.util.Locale.ROOT));
            return "@" + who;
        }
        if (target.startsWith("#")) return "#" + (label != null && !label.isBlank() ? label : target.substring(1));
        if (target.startsWith("!")) {
            String special = target.substring(1);
            if (special.equals("here")) {
                into.here = true;
                return "@here";
            }
            if (special.equals("channel") || special.equals("everyone")) {
                into.channel = true;
                return "@channel";
            }
            // <!subteam^ID|@team>, <!date^…|fallback>: the label is what Slack shows when it cannot render them
            return label != null ? label : "";
        }
        String url = unescape(target);
        return label == null || label.isBlank() || label.equals(url) ? url : label + " (" + url + ")";
    }

    static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}

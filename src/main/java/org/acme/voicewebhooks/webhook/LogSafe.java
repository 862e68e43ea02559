package org.acme.voicewebhooks.webhook;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** Caller text for a log line: quoted and escaped, so it can never forge or break a line. */
public final class LogSafe {

    private static final int MAX = 128;

    private LogSafe() {
    }

    public static String quote(String value) {
        if (value == null) {
            return "-";
        }
        String cut = value.length() > MAX ? value.substring(0, MAX) + "…" : value;
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(cut)) + '"';
    }
}

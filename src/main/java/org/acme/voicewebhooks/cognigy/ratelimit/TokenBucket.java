package org.acme.voicewebhooks.cognigy.ratelimit;

import java.sql.SQLException;

/** A token bucket that gives a token only while more than {@code floor} tokens remain after taking it. */
interface TokenBucket {

    /** The outcome of one try: granted, or the milliseconds until a token above the floor is there. */
    record Take(boolean granted, long waitMs) {
        static final Take GRANTED = new Take(true, 0);
    }

    Take take(double floor) throws SQLException;

    /** How many tokens the bucket holds at most. */
    double capacity();

    /** The wait until {@code level} reaches {@code needed}, at {@code perSecond} tokens a second (at least 1 ms). */
    static long waitMs(double level, double needed, double perSecond) {
        return Math.max(1, (long) Math.ceil((needed - level) / perSecond * 1000));
    }
}

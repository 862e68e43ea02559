package org.acme.voicewebhooks.cognigy.ratelimit;

/** This instance's bucket: its share of the limit while the shared one cannot be reached (or none is configured). */
final class LocalTokenBucket implements TokenBucket {

    private final double capacity;
    private final double perNano;
    private double tokens;
    private long updated;

    LocalTokenBucket(double capacity, double perSecond) {
        this.capacity = capacity;
        this.perNano = perSecond / 1e9;
        this.tokens = capacity;
        this.updated = System.nanoTime();
    }

    @Override
    public synchronized Take take(double floor) {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - updated) * perNano);
        updated = now;
        if (tokens >= floor + 1) {
            tokens -= 1;
            return Take.GRANTED;
        }
        return new Take(false, TokenBucket.waitMs(tokens, floor + 1, perNano * 1e9));
    }

    @Override
    public double capacity() {
        return capacity;
    }
}

package io.parley.core.pod;

/** The ranges of a HealthScore, as the HealthScore design names them. */
public enum HealthBand {
    /** 0–19: not to be used. */
    UNUSABLE,
    /** 20–59: degraded, a last resort. */
    DEGRADED,
    /** 60–84: normal. */
    NORMAL,
    /** 85–100: excellent. */
    EXCELLENT;

    /** {@return the band a score 0–100 falls in} */
    public static HealthBand of(int score) {
        if (score < 20) return UNUSABLE;
        if (score < 60) return DEGRADED;
        if (score < 85) return NORMAL;
        return EXCELLENT;
    }
}

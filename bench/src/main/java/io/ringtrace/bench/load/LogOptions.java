package io.ringtrace.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * The load tool's defaults and checks for {@code --signal=logs}: the four compared log systems
 * ({@link LogSystems#DEFAULTS}) unless {@code --systems} names some, the scenarios the log
 * benchmark asks for ({@value #SCENARIOS}; smoke mode {@value #SMOKE_SCENARIOS}) unless {@code
 * --scenarios} names some, and no options that only spans have (the spool, the span APIs).
 */
final class LogOptions {

    /** Default scenarios of a log run: the two fixed rates, then flat out. */
    static final String SCENARIOS = "rate=100k,rate=500k,max";
    /** Default scenarios of a log smoke run. */
    static final String SMOKE_SCENARIOS = "rate=20k,max";

    private LogOptions() {
    }

    /**
     * @param options the parsed options, changed in place
     * @param systemsGiven whether {@code --systems} was given
     * @param scenariosGiven whether {@code --scenarios} was given
     * @param smoke whether {@code --smoke} was given
     * @throws IllegalArgumentException for an option logs do not have
     */
    static void apply(LoadOptions options, boolean systemsGiven, boolean scenariosGiven, boolean smoke) {
        if (!systemsGiven) {
            options.systems = LogSystems.DEFAULTS;
        }
        if (!scenariosGiven) {
            options.scenarios = parse(smoke ? SMOKE_SCENARIOS : SCENARIOS);
        }
        if (!options.spool.isEmpty()) {
            throw new IllegalArgumentException("--spool applies to spans only (--signal=spans)");
        }
        if (!options.api.equals("span")) {
            throw new IllegalArgumentException("--api applies to spans only; log systems are chosen with --systems");
        }
    }

    private static List<Scenario> parse(String text) {
        List<Scenario> scenarios = new ArrayList<>();
        for (String part : text.split(",")) {
            scenarios.add(Scenario.parse(part));
        }
        return scenarios;
    }
}

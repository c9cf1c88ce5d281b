package io.ringtrace.bench.load;

/** Creates the {@link LoadSystem} a {@link RunSpec} names: a span system here, a log system by {@link LogSystems}. */
final class SystemFactory {

    private SystemFactory() {
    }

    static LoadSystem create(RunSpec spec) {
        if (spec.loadSignal() == LoadSignal.LOGS) {
            return LogSystems.create(spec);
        }
        switch (spec.system()) {
            case RunSpec.SDK:
                return new SdkSystem(spec);
            case RunSpec.RINGTRACE:
            case RunSpec.RINGTRACE_SPOOL:
                return new RingtraceSystem(spec);
            default:
                throw new IllegalArgumentException("unknown system '" + spec.system() + "': expected "
                        + RunSpec.RINGTRACE + ", " + RunSpec.RINGTRACE_SPOOL + " or " + RunSpec.SDK);
        }
    }
}

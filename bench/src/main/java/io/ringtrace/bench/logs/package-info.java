/** What every log benchmark shares: the typical record, the Log4j2 setup and the file reference's target. */
package io.ringtrace.bench.logs;

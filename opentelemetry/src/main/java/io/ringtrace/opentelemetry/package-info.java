/**
 * OpenTelemetry interop: spans created by the OpenTelemetry SDK, the Java agent or code written
 * against the OpenTelemetry API travel through ringtrace's ring, encoder and exporter.
 */
package io.ringtrace.opentelemetry;

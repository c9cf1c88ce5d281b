/**
 * Implementation shared by the module's packages: not API, may change without notice.
 */
package io.ringtrace.opentelemetry.internal;

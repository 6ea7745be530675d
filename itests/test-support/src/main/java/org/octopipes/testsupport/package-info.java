/**
 * What the tests of the bundles and the integration tests share, written once: {@link
 * org.octopipes.testsupport.TestProcess} (a program as an OS process, its output awaited line by
 * line), {@link org.octopipes.testsupport.NumberedStream} (a stream of numbered packets checked
 * for loss, duplicates and order while something changes under it), {@link
 * org.octopipes.testsupport.TestRouter} (a router in memory for the transports' own tests), {@link
 * org.octopipes.testsupport.TestLogger} (an OSGi logger that records) and {@link
 * org.octopipes.testsupport.Mosquitto} (a real broker on a free port), {@link
 * org.octopipes.testsupport.Prometheus} (a real Prometheus scraping us, and promtool), {@link
 * org.octopipes.testsupport.HeadlessChromium} (a real browser driven over the DevTools protocol),
 * {@link org.octopipes.testsupport.FakeBroker} (a broker whose state a test sets) and {@link
 * org.octopipes.testsupport.LocalPorts} (free ports, and those a process listens on). Waits are on monitors,
 * woken by what they wait for, never timed sleeps.
 */
package org.octopipes.testsupport;

/**
 * The native side of {@code org.octopipes.posix}: the jnr-ffi library interface, the loading of
 * jnr, and the Linux ABI numbers. Private to the bundle, so that jnr, the classes jnr-ffi
 * generates at run time and the interfaces it generates them for share one class loader.
 */
package org.octopipes.posix.internal;

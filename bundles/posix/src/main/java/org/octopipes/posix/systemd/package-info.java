/** systemd's notification protocol, offered as a service; private to the bundle. */
package org.octopipes.posix.systemd;

/**
 * The router's side of the sessions: how a router reads the clients' sessions and routes their
 * packets. The sessions bundle registers the {@link org.octopipes.api.session.SessionRegistry}; a
 * router {@linkplain org.octopipes.api.session.SessionRegistry#route starts routing} when it
 * starts, builds its subscription table from the sessions it is given, follows the ones that open,
 * close or change groups, and stops routing when it stops. A router update thus re-reads the
 * sessions; no transport attaches its clients again.
 */
@Export
@Version("1.1.0")
package org.octopipes.api.session;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

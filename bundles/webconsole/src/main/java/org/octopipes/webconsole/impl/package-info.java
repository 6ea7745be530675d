/** The Web Console plugin, its JSON endpoint and its traffic history; private to this bundle. */
package org.octopipes.webconsole.impl;

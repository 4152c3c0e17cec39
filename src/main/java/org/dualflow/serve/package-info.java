/**
 * Serving a warehouse to notebooks and other Spark Connect clients: every table registered by
 * name in a server session's catalog, kept current as runs publish. Reads the warehouse; never
 * writes it.
 */
package org.dualflow.serve;

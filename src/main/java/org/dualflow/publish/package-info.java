/**
 * The warehouse: staged writes, the publish plan and its commit point, recovery of runs that
 * died, the lock that keeps runs on one warehouse one at a time, the run manifest, catalog
 * registration, and a local file system without forks.
 */
package org.dualflow.publish;

/**
 * Reference data, loaded and checked on the driver before any Spark work: countries and their
 * codes and names, country groups, corridors, code lists, the HS 2022/2017 conversion and
 * monthly exchange rates; bundled, or replaced file by file from {@code reference.dir}.
 */
package org.dualflow.reference;

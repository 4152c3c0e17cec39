/**
 * Output table layouts read from {@code schemas/tables/*.ddl}, the single source of truth for
 * the code and for the data dictionary ({@code schemas/README.md}) generated from them.
 */
package org.dualflow.schema;

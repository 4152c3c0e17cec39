/**
 * The command line ({@code jobs/dualflow}, {@code spark-submit --class org.dualflow.cli.Main}):
 * parses arguments, starts or borrows the Spark session, calls the pipeline, prints the summary
 * and query results, and maps failures to exit codes and one-line messages. Nothing else: the
 * run itself is {@link org.dualflow.pipeline}.
 */
package org.dualflow.cli;

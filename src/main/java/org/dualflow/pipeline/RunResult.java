package org.dualflow.pipeline;

import java.util.List;
import java.util.Map;
import org.dualflow.analytics.Headlines;
import org.dualflow.publish.RunManifest;

/**
 * What a run produced, for its summary.
 *
 * @param files every input file's numbers, in input order
 * @param rejectedByReason rejected records of all files by reason code
 * @param periods the months the run replaced (yyyy-MM, sorted)
 * @param classifiedRecords records that matched at least one list
 * @param hsMappedRecords matches made through the HS 2017 to 2022 concordance
 * @param seconds from the start of the run to its headline figures
 * @param report the report written after publishing (report.enabled), or null
 */
public record RunResult(String runId, RunManifest manifest, List<FileStats> files,
    Map<String, Long> rejectedByReason, List<String> periods, long classifiedRecords,
    long hsMappedRecords, Headlines.Figures headlines, double seconds, String report) {
}

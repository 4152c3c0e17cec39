package org.dualflow.pipeline;

import java.util.List;
import java.util.Map;
import org.dualflow.classify.MatchRow;
import org.dualflow.ingest.Ingest;
import org.dualflow.ingest.SourceFormat;
import org.dualflow.reference.ReferenceData;

/**
 * Everything a run needs that is checked on the driver before Spark starts: reference data,
 * every input file (found, listed once, its header read), the source formats and the match
 * table of the selected code lists.
 */
public record PreparedRun(ReferenceData reference, List<Ingest.InputRef> inputs,
    Map<String, SourceFormat> formats, List<MatchRow> matchTable) {
}

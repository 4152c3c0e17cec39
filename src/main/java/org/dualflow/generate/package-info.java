/**
 * Synthetic UN Comtrade input for the benchmark ({@code jobs/dualflow generate}): realistic
 * reporters, partners, codes and volumes, deterministic for a seed.
 */
package org.dualflow.generate;

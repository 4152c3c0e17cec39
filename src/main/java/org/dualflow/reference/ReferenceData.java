package org.dualflow.reference;

/** Everything a run looks up, loaded and checked on the driver before any Spark work. */
public record ReferenceData(Countries countries, CodeLists codeLists, HsConversion hsConversion) {

  public static ReferenceData load(ReferenceFiles files) {
    return new ReferenceData(Countries.load(files), CodeLists.load(files),
        HsConversion.load(files));
  }
}

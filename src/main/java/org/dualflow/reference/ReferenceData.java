package org.dualflow.reference;

/** Everything a run looks up, loaded and checked on the driver before any Spark work. */
public record ReferenceData(Countries countries, CodeLists codeLists, HsConversion hsConversion,
    Fx fx, CountryGroups groups) {

  public static ReferenceData load(ReferenceFiles files) {
    Countries countries = Countries.load(files);
    return new ReferenceData(countries, CodeLists.load(files), HsConversion.load(files),
        Fx.load(files), CountryGroups.load(files, countries));
  }
}

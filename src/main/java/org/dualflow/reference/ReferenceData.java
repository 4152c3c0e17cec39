package org.dualflow.reference;

/** Everything a run looks up, loaded and checked on the driver before any Spark work. */
public record ReferenceData(Countries countries, CodeLists codeLists, HsConversion hsConversion,
    Fx fx, CountryGroups groups, Corridors corridors) {

  public static ReferenceData load(ReferenceFiles files) {
    Countries countries = Countries.load(files);
    CountryGroups groups = CountryGroups.load(files, countries);
    return new ReferenceData(countries, CodeLists.load(files), HsConversion.load(files),
        Fx.load(files), groups, Corridors.load(files, groups, countries));
  }
}

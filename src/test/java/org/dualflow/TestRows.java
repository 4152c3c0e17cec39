package org.dualflow;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/** Rows of a table's schema with only the columns a test needs, the others null. */
public final class TestRows {

  private TestRows() {
  }

  /**
   * @param namesAndValues column name, value, column name, value, ...
   */
  public static Row row(StructType schema, Object... namesAndValues) {
    Object[] v = new Object[schema.size()];
    for (int i = 0; i < namesAndValues.length; i += 2) {
      v[schema.fieldIndex((String) namesAndValues[i])] = namesAndValues[i + 1];
    }
    return RowFactory.create(v);
  }

  /** The schema with every column nullable, for rows that leave columns out. */
  public static StructType nullable(StructType schema) {
    StructType out = new StructType();
    for (var f : schema.fields()) {
      out = out.add(f.name(), f.dataType(), true);
    }
    return out;
  }
}

package io.srlm.tables;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One Delta table of the catalogue: its name, row type (which defines the schema), partition columns, table
 * properties and a description (stored as the table comment).
 */
public record TableDef<T extends Record>(String name, RowCodec<T> codec, List<String> partitionBy,
    Map<String, String> properties, String description) implements Serializable {

  public Class<T> rowType() {
    return codec.type();
  }
}

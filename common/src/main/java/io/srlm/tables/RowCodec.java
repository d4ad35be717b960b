package io.srlm.tables;

import io.srlm.util.Nullable;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Maps a row record to a Spark schema and back. Column names are the record components in snake_case; columns
 * are NOT NULL unless the component is a primitive-free type marked {@link Nullable}. Supported component types:
 * String, int, long, double, boolean (and their boxes), List&lt;String&gt;, Map&lt;String, Long|Double|String&gt;.
 */
public final class RowCodec<T extends Record> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private final StructType schema;
  private transient RecordComponent[] components;
  private transient Constructor<T> ctor;

  public RowCodec(Class<T> type) {
    this.type = type;
    List<StructField> fields = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      boolean nullable = c.isAnnotationPresent(Nullable.class);
      if (nullable && c.getType().isPrimitive()) {
        throw new IllegalArgumentException(type.getSimpleName() + "." + c.getName() + ": primitives cannot be null");
      }
      fields.add(DataTypes.createStructField(snake(c.getName()), sparkType(c.getGenericType(), type, c.getName()),
          nullable));
    }
    this.schema = DataTypes.createStructType(fields);
  }

  public Class<T> type() {
    return type;
  }

  public StructType schema() {
    return schema;
  }

  public Row toRow(T value) {
    RecordComponent[] cs = components();
    Object[] out = new Object[cs.length];
    for (int i = 0; i < cs.length; i++) {
      Object v;
      try {
        v = cs[i].getAccessor().invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      if (v == null && !schema.fields()[i].nullable()) {
        throw new IllegalArgumentException(
            "Row " + type.getSimpleName() + " has null in NOT NULL column " + schema.fields()[i].name());
      }
      if (v instanceof List<?> l) {
        v = JavaConverters.asScalaBuffer(new ArrayList<>(l)).toList();
      }
      out[i] = v;
    }
    return RowFactory.create(out);
  }

  /**
   * The record of {@code row}. A row with a schema is read by column name (extra columns are ignored); a row
   * without one (built by {@code RowFactory}) by position, so it must have exactly this codec's columns. A row that
   * lacks a column, or holds a value of another type, fails with an error naming the record, the column and both
   * schemas.
   */
  public T fromRow(Row row) {
    RecordComponent[] cs = components();
    Object[] args = new Object[cs.length];
    StructType actual = row.schema();
    if (actual == null && row.length() != cs.length) {
      throw mismatch(row, "it has " + row.length() + " columns, not " + cs.length);
    }
    for (int i = 0; i < cs.length; i++) {
      String name = schema.fields()[i].name();
      int idx = actual == null ? i : index(actual, name, row);
      if (row.isNullAt(idx)) {
        if (cs[i].getType().isPrimitive()) {
          throw mismatch(row, "column " + name + " is null, and " + type.getSimpleName() + " needs a value there");
        }
        args[i] = null;
        continue;
      }
      Class<?> t = cs[i].getType();
      try {
        if (List.class.isAssignableFrom(t)) {
          args[i] = List.copyOf(row.getList(idx));
        } else if (Map.class.isAssignableFrom(t)) {
          args[i] = new LinkedHashMap<>(row.getJavaMap(idx));
        } else {
          Object v = row.get(idx);
          if (!box(t).isInstance(v)) {
            throw mismatch(row, "column " + name + " holds a " + v.getClass().getSimpleName() + ", not a "
                + box(t).getSimpleName());
          }
          args[i] = v;
        }
      } catch (ClassCastException e) {
        throw mismatch(row, "column " + name + " is not a " + t.getSimpleName() + " (" + e.getMessage() + ")");
      }
    }
    try {
      return ctor().newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getSimpleName() + " from " + row, e);
    }
  }

  private int index(StructType actual, String name, Row row) {
    for (int j = 0; j < actual.fields().length; j++) {
      if (actual.fields()[j].name().equals(name)) {
        return j;
      }
    }
    throw mismatch(row, "it has no column " + name);
  }

  private IllegalArgumentException mismatch(Row row, String problem) {
    String actual = row.schema() == null ? row.length() + " untyped columns" : row.schema().simpleString();
    return new IllegalArgumentException("Cannot read a " + type.getSimpleName() + " from a row of " + actual + ": "
        + problem + " (expected " + schema.simpleString() + ")");
  }

  private static Class<?> box(Class<?> t) {
    if (!t.isPrimitive()) {
      return t;
    }
    return t == int.class ? Integer.class : t == long.class ? Long.class : t == double.class ? Double.class
        : t == boolean.class ? Boolean.class : t;
  }

  private RecordComponent[] components() {
    if (components == null) {
      RecordComponent[] cs = type.getRecordComponents();
      for (RecordComponent c : cs) {
        c.getAccessor().setAccessible(true); // records private to their package (e.g. a step's own rows)
      }
      components = cs;
    }
    return components;
  }

  private Constructor<T> ctor() {
    if (ctor == null) {
      RecordComponent[] cs = components();
      Class<?>[] types = new Class<?>[cs.length];
      for (int i = 0; i < cs.length; i++) {
        types[i] = cs[i].getType();
      }
      try {
        Constructor<T> c = type.getDeclaredConstructor(types);
        c.setAccessible(true);
        ctor = c;
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(e);
      }
    }
    return ctor;
  }

  static String snake(String camel) {
    StringBuilder sb = new StringBuilder();
    for (char ch : camel.toCharArray()) {
      if (Character.isUpperCase(ch)) {
        sb.append('_').append(Character.toLowerCase(ch));
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }

  private static DataType sparkType(Type t, Class<?> owner, String name) {
    if (t == String.class) {
      return DataTypes.StringType;
    } else if (t == int.class || t == Integer.class) {
      return DataTypes.IntegerType;
    } else if (t == long.class || t == Long.class) {
      return DataTypes.LongType;
    } else if (t == double.class || t == Double.class) {
      return DataTypes.DoubleType;
    } else if (t == boolean.class || t == Boolean.class) {
      return DataTypes.BooleanType;
    } else if (t instanceof ParameterizedType p) {
      Type raw = p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == List.class && args[0] == String.class) {
        return DataTypes.createArrayType(DataTypes.StringType, false);
      }
      if (raw == Map.class && args[0] == String.class) {
        return DataTypes.createMapType(DataTypes.StringType, sparkType(args[1], owner, name), false);
      }
    }
    throw new IllegalArgumentException("unsupported column type " + t + " in " + owner.getSimpleName() + "." + name);
  }
}

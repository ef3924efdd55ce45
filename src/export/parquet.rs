//! A [`Table`] as one Parquet file: decimals as DECIMAL(38,18) (exact:
//! never a float), instants as TIMESTAMP(µs, UTC), text as UTF-8 strings,
//! whole numbers as INT64; the columns in the table's order, one row group,
//! uncompressed (the `parquet` crate without default features: no codecs,
//! no arrow). The file is built in memory and then written out whole.

use std::io::{self, Write};
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::Int64Type;
use parquet::data_type::{ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType};
use parquet::file::properties::{WriterProperties, WriterVersion};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::table::{Cell, Kind, Table};

fn err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("writing Parquet: {e}"))
}

/// The Parquet schema of a table, as message text.
pub fn schema(table: &Table) -> String {
    let mut s = String::from("message focus {\n");
    for c in table.columns {
        let rep = if c.nullable { "optional" } else { "required" };
        let ty = match c.kind {
            Kind::Text => "binary",
            Kind::Decimal => "fixed_len_byte_array(16)",
            Kind::Time | Kind::Integer => "int64",
        };
        let logical = match c.kind {
            Kind::Text => " (STRING)",
            Kind::Decimal => " (DECIMAL(38,18))",
            Kind::Time => " (TIMESTAMP(MICROS,true))",
            Kind::Integer => "",
        };
        s.push_str(&format!("  {rep} {ty} {}{logical};\n", c.name));
    }
    s.push('}');
    s
}

/// Writes `table` as Parquet to `w`.
pub fn write(table: &Table, w: &mut dyn Write) -> io::Result<()> {
    let schema = Arc::new(parse_message_type(&schema(table)).map_err(err)?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_writer_version(WriterVersion::PARQUET_1_0)
            .set_compression(Compression::UNCOMPRESSED)
            .set_created_by("llmspend".to_string())
            .build(),
    );
    let mut buf = Vec::new();
    let mut file = SerializedFileWriter::new(&mut buf, schema, props).map_err(err)?;
    let mut group = file.next_row_group().map_err(err)?;
    for (i, column) in table.columns.iter().enumerate() {
        let mut col = group
            .next_column()
            .map_err(err)?
            .ok_or_else(|| err("fewer columns than the schema"))?;
        let cells = table.rows.iter().map(|r| &r[i]);
        let defs: Vec<i16> = cells
            .clone()
            .map(|c| i16::from(!matches!(c, Cell::Text(None) | Cell::Null)))
            .collect();
        let defs = column.nullable.then_some(defs.as_slice());
        match column.kind {
            Kind::Text => {
                let values: Vec<ByteArray> = cells
                    .filter_map(|c| match c {
                        Cell::Text(Some(t)) => Some(ByteArray::from(t.as_str())),
                        _ => None,
                    })
                    .collect();
                col.typed::<ByteArrayType>()
                    .write_batch(&values, defs, None)
                    .map_err(err)?;
            }
            Kind::Decimal => {
                let mut values = Vec::with_capacity(table.rows.len());
                for c in cells {
                    if matches!(c, Cell::Null) {
                        continue;
                    }
                    let Cell::Dec(d) = c else {
                        return Err(err(format!("{} holds a non-decimal", column.name)));
                    };
                    let v = d
                        .at18()
                        .ok_or_else(|| err(format!("{} does not fit 38 digits", column.name)))?;
                    values.push(FixedLenByteArray::from(v.to_be_bytes().to_vec()));
                }
                col.typed::<FixedLenByteArrayType>()
                    .write_batch(&values, defs, None)
                    .map_err(err)?;
            }
            Kind::Time | Kind::Integer => {
                let values: Vec<i64> = cells
                    .filter_map(|c| match c {
                        Cell::Time(t) => Some(t.saturating_mul(1_000_000)),
                        Cell::Int(n) => Some(*n),
                        _ => None,
                    })
                    .collect();
                col.typed::<Int64Type>()
                    .write_batch(&values, defs, None)
                    .map_err(err)?;
            }
        }
        col.close().map_err(err)?;
    }
    group.close().map_err(err)?;
    file.close().map_err(err)?;
    w.write_all(&buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::table::{Column, Dec};
    use parquet::file::reader::{FileReader, SerializedFileReader};

    static COLS: [Column; 4] = [
        Column::new("Cost", Kind::Decimal, false),
        Column::new("At", Kind::Time, false),
        Column::new("Name", Kind::Text, true),
        Column::new("N", Kind::Integer, false),
    ];

    #[test]
    fn writes_decimals_times_and_nulls_that_read_back() {
        let table = Table {
            columns: &COLS,
            rows: vec![
                vec![
                    Cell::Dec(Dec {
                        units: 150_000_075_000,
                        scale: 12,
                    }),
                    Cell::Time(86_400),
                    Cell::Text(Some("a".into())),
                    Cell::Int(7),
                ],
                vec![
                    Cell::Dec(Dec { units: 3, scale: 0 }),
                    Cell::Time(0),
                    Cell::Text(None),
                    Cell::Int(-1),
                ],
            ],
        };
        let mut out = Vec::new();
        write(&table, &mut out).unwrap();
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(&out).unwrap();
        let reader = SerializedFileReader::new(f).unwrap();
        let meta = reader.metadata();
        assert_eq!(meta.file_metadata().num_rows(), 2);
        let schema = meta.file_metadata().schema_descr();
        assert_eq!(schema.column(0).type_precision(), 38);
        assert_eq!(schema.column(0).type_scale(), 18);
        let rows: Vec<String> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap().to_string())
            .collect();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].contains("0.150000075000000000"), "{}", rows[0]);
        assert!(rows[1].contains("Name: null"), "{}", rows[1]);
    }
}

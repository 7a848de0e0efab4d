// Loads nodes.csv and relationships.csv into LadybugDB: run these
// statements one by one in the directory that holds the files.
CREATE NODE TABLE Entity(id STRING PRIMARY KEY, labels STRING, name STRING, aliases STRING, ```tick`` key` STRING, `country` STRING, `empty_text` STRING, `flag` BOOLEAN, `list` STRING, `mixed` STRING, `n` INT64, `remark` STRING);
CREATE REL TABLE Relation(FROM Entity TO Entity, type STRING, since STRING, until STRING, source STRING, locator STRING, note STRING, quote STRING, `share` DOUBLE, `what` STRING);
COPY Entity FROM 'nodes.csv' (HEADER=true, PARALLEL=false);
COPY Relation FROM 'relationships.csv' (HEADER=true, PARALLEL=false);

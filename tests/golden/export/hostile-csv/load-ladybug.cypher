// Loads the ladybug/ files into LadybugDB: one node table per label, one rel
// table per relationship type. Run the statements one by one (each ends
// with `;` at the end of a line) in the directory that holds this file.
CREATE NODE TABLE `Person`(id STRING PRIMARY KEY, labels STRING, name STRING, aliases STRING, ```tick`` key` STRING, `country` STRING, `empty_text` STRING, `flag` BOOLEAN, `list` STRING, `mixed` STRING, `n` INT64, `remark` STRING);
CREATE NODE TABLE `Company`(id STRING PRIMARY KEY, labels STRING, name STRING, aliases STRING, ```tick`` key` STRING, `country` STRING, `empty_text` STRING, `flag` BOOLEAN, `list` STRING, `mixed` STRING, `n` INT64, `remark` STRING);
CREATE NODE TABLE `Agency`(id STRING PRIMARY KEY, labels STRING, name STRING, aliases STRING, ```tick`` key` STRING, `country` STRING, `empty_text` STRING, `flag` BOOLEAN, `list` STRING, `mixed` STRING, `n` INT64, `remark` STRING);
CREATE NODE TABLE `Deposit`(id STRING PRIMARY KEY, labels STRING, name STRING, aliases STRING, ```tick`` key` STRING, `country` STRING, `empty_text` STRING, `flag` BOOLEAN, `list` STRING, `mixed` STRING, `n` INT64, `remark` STRING);
CREATE NODE TABLE `Region`(id STRING PRIMARY KEY, labels STRING, name STRING, aliases STRING, ```tick`` key` STRING, `country` STRING, `empty_text` STRING, `flag` BOOLEAN, `list` STRING, `mixed` STRING, `n` INT64, `remark` STRING);
CREATE NODE TABLE `Event`(id STRING PRIMARY KEY, labels STRING, name STRING, aliases STRING, ```tick`` key` STRING, `country` STRING, `empty_text` STRING, `flag` BOOLEAN, `list` STRING, `mixed` STRING, `n` INT64, `remark` STRING);
CREATE NODE TABLE `Thing`(id STRING PRIMARY KEY, labels STRING, name STRING, aliases STRING, ```tick`` key` STRING, `country` STRING, `empty_text` STRING, `flag` BOOLEAN, `list` STRING, `mixed` STRING, `n` INT64, `remark` STRING);
CREATE NODE TABLE `Commodity`(id STRING PRIMARY KEY, labels STRING, name STRING, aliases STRING, ```tick`` key` STRING, `country` STRING, `empty_text` STRING, `flag` BOOLEAN, `list` STRING, `mixed` STRING, `n` INT64, `remark` STRING);
CREATE NODE TABLE `Country`(id STRING PRIMARY KEY, labels STRING, name STRING, aliases STRING, ```tick`` key` STRING, `country` STRING, `empty_text` STRING, `flag` BOOLEAN, `list` STRING, `mixed` STRING, `n` INT64, `remark` STRING);
CREATE REL TABLE `OWNS`(FROM `Person` TO `Company`, FROM `Company` TO `Deposit`, since STRING, until STRING, source STRING, locator STRING, note STRING, quote STRING, `share` DOUBLE, `what` STRING);
CREATE REL TABLE `CONTROLS`(FROM `Company` TO `Deposit`, since STRING, until STRING, source STRING, locator STRING, note STRING, quote STRING, `share` DOUBLE, `what` STRING);
CREATE REL TABLE `REVOKED`(FROM `Agency` TO `Thing`, since STRING, until STRING, source STRING, locator STRING, note STRING, quote STRING, `share` DOUBLE, `what` STRING);
CREATE REL TABLE `PART_OF`(FROM `Region` TO `Event`, since STRING, until STRING, source STRING, locator STRING, note STRING, quote STRING, `share` DOUBLE, `what` STRING);
CREATE REL TABLE `LOCATED_IN`(FROM `Commodity` TO `Commodity`, since STRING, until STRING, source STRING, locator STRING, note STRING, quote STRING, `share` DOUBLE, `what` STRING);
CREATE REL TABLE `SIGNED_MEMORANDUM`(FROM `Country` TO `Company`, since STRING, until STRING, source STRING, locator STRING, note STRING, quote STRING, `share` DOUBLE, `what` STRING);
COPY `Person` FROM 'ladybug/nodes_Person.csv' (HEADER=true);
COPY `Company` FROM 'ladybug/nodes_Company.csv' (HEADER=true);
COPY `Agency` FROM 'ladybug/nodes_Agency.csv' (HEADER=true, PARALLEL=false);
COPY `Deposit` FROM 'ladybug/nodes_Deposit.csv' (HEADER=true, PARALLEL=false);
COPY `Region` FROM 'ladybug/nodes_Region.csv' (HEADER=true);
COPY `Event` FROM 'ladybug/nodes_Event.csv' (HEADER=true);
COPY `Thing` FROM 'ladybug/nodes_Thing.csv' (HEADER=true);
COPY `Commodity` FROM 'ladybug/nodes_Commodity.csv' (HEADER=true);
COPY `Country` FROM 'ladybug/nodes_Country.csv' (HEADER=true);
COPY `OWNS` FROM 'ladybug/rels_OWNS_Person_Company.csv' (HEADER=true, PARALLEL=false, FROM='Person', TO='Company');
COPY `OWNS` FROM 'ladybug/rels_OWNS_Company_Deposit.csv' (HEADER=true, FROM='Company', TO='Deposit');
COPY `CONTROLS` FROM 'ladybug/rels_CONTROLS_Company_Deposit.csv' (HEADER=true, FROM='Company', TO='Deposit');
COPY `REVOKED` FROM 'ladybug/rels_REVOKED_Agency_Thing.csv' (HEADER=true, PARALLEL=false, FROM='Agency', TO='Thing');
COPY `PART_OF` FROM 'ladybug/rels_PART_OF_Region_Event.csv' (HEADER=true, FROM='Region', TO='Event');
COPY `LOCATED_IN` FROM 'ladybug/rels_LOCATED_IN_Commodity_Commodity.csv' (HEADER=true, FROM='Commodity', TO='Commodity');
COPY `SIGNED_MEMORANDUM` FROM 'ladybug/rels_SIGNED_MEMORANDUM_Country_Company.csv' (HEADER=true, FROM='Country', TO='Company');

#!/usr/bin/env python3
"""The order-history flow end to end with boto3 and psql against `shoal serve`.

A data stream CadabraOrders feeds a delivery stream writing Firehose's default
YYYY/MM/dd/HH/ layout; a few thousand order lines go in with PutRecords, a
third of them KPL-aggregated; a Glue crawler catalogs the bucket; the
issue's France query runs through Athena and, after CREATE EXTERNAL SCHEMA,
through the warehouse endpoint with psql. Both answers are compared with
counts this script computed itself.

Usage: orders_flow.py SHOAL_BINARY
"""

import collections
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.config import Config

KEY_ID = "AKIAORDERSFLOW000001"
SECRET = "ordersFlowSecretKeyOrdersFlowSecret00001"
ACCOUNT = "000000000000"
STREAM = "CadabraOrders"
DELIVERY = "CadabraOrdersToS3"
BUCKET = "cadabra-orderlogs"
RESULTS = "cadabra-athena-results"
CRAWLER = "orderlogs-crawler"
DATABASE = "orderlogs"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cadabra-pipeline"
SPECTRUM_ROLE = f"arn:aws:iam::{ACCOUNT}:role/spectrum"
MANAGED = "arn:aws:iam::aws:policy/"
LINES = 3000


def ok(msg):
    print(f"ok - {msg}", flush=True)


def fail(msg):
    raise SystemExit(f"FAIL - {msg}")


def until(seconds, what, check):
    """Polls check() until it returns something truthy or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            fail(f"timed out waiting for {what}")
        time.sleep(0.3)


class Shoal:
    """A `shoal serve` process on free ports in a temp data dir."""

    def __init__(self, binary):
        self.dir = tempfile.mkdtemp(prefix="shoal-orders-")
        env = dict(os.environ, SHOAL_ROOT_ACCESS_KEY_ID=KEY_ID, SHOAL_ROOT_SECRET_ACCESS_KEY=SECRET)
        self.out = open(os.path.join(self.dir, "server.out"), "w+")
        self.err = open(os.path.join(self.dir, "server.err"), "w+")
        self.proc = subprocess.Popen(
            [binary, "serve", "--data-dir", os.path.join(self.dir, "data"), "--addr", "127.0.0.1:0",
             "--console-addr", "off", "--warehouse-addr", "127.0.0.1:0", "--log-level", "warn"],
            stdout=self.out, stderr=self.err, env=env)
        banner = until(30, "the server to be ready", self._banner)
        self.endpoint = re.search(r"AWS endpoint:\s+(\S+)", banner).group(1)
        m = re.search(r"warehouse:\s+(?:\S+://)?([\d.]+):(\d+)", banner)
        if not m:
            fail(f"no warehouse address in the banner:\n{banner}")
        self.pg_host, self.pg_port = m.group(1), m.group(2)

    def _banner(self):
        if self.proc.poll() is not None:
            fail(f"server exited: {self.log()}")
        self.out.seek(0)
        text = self.out.read()
        return text if "\nready" in text else None

    def log(self):
        self.err.seek(0)
        return self.err.read()[-4000:]

    def client(self, service):
        # Debian's botocore models predate Firehose's 0-60 s buffering
        # intervals and would refuse the 1 s this script uses before sending.
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
                            config=Config(retries={"max_attempts": 2},
                                          parameter_validation=service != "firehose"))

    def psql(self, sql):
        env = dict(os.environ, PGPASSWORD=SECRET)
        dsn = f"host={self.pg_host} port={self.pg_port} user={KEY_ID} dbname=dev sslmode=disable"
        res = subprocess.run(["psql", dsn, "-X", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-c", sql],
                             capture_output=True, text=True, env=env, timeout=120)
        if res.returncode != 0:
            fail(f"psql {sql!r}: {res.stderr.strip()}")
        return res.stdout

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


# The KPL aggregated-record format: magic, protobuf AggregatedRecord, MD5.
KPL_MAGIC = b"\xf3\x89\x9a\xc2"


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, payload):
    """A length-delimited protobuf field."""
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def kpl_aggregate(keys, datas):
    body = b"".join(field(1, k.encode()) for k in keys)
    for d in datas:  # every user record uses partition key 0 of the table
        body += field(3, varint(1 << 3 | 0) + varint(0) + field(3, d))
    return KPL_MAGIC + body + hashlib.md5(body).digest()


def order_lines(n, seed=5):
    """Online Retail-like order lines: invoices of several lines."""
    rnd = random.Random(seed)
    products = [(f"{20000 + i}", f"{rnd.choice(['WHITE', 'RED', 'PINK', 'BLUE'])} "
                 f"{rnd.choice(['HEART', 'SPOTTY', 'REGENCY', 'BIRD'])} "
                 f"{rnd.choice(['MUG', 'T-LIGHT HOLDER', 'LUNCH BAG', 'CAKE TIN'])}", round(rnd.uniform(0.4, 9), 2))
                for i in range(300)]
    countries = ["United Kingdom"] * 12 + ["France"] * 4 + ["Germany"] * 3 + ["EIRE", "Spain", "Norway"]
    lines, invoice = [], 536365
    while len(lines) < n:
        invoice += 1
        country, customer = rnd.choice(countries), rnd.randint(12346, 18287)
        for _ in range(rnd.randint(1, 8)):
            code, desc, price = rnd.choice(products)
            lines.append({"InvoiceNo": str(invoice), "StockCode": code, "Description": desc,
                          "Quantity": rnd.randint(1, 24), "InvoiceDate": "12/1/2010 8:26",
                          "UnitPrice": price, "Customer": customer, "Country": country})
    return lines[:n]


def put_orders(kinesis, lines):
    """Puts the lines, every third batch of ten as one KPL-aggregated record."""
    entries, aggregated = [], 0
    for i in range(0, len(lines), 10):
        batch = lines[i:i + 10]
        datas = [(json.dumps(l) + "\n").encode() for l in batch]
        key = f"pk-{random.randrange(1 << 30)}"
        if (i // 10) % 3 == 0:
            entries.append({"Data": kpl_aggregate([key], datas), "PartitionKey": key})
            aggregated += len(batch)
        else:
            entries += [{"Data": d, "PartitionKey": f"pk-{random.randrange(1 << 30)}"} for d in datas]
    for i in range(0, len(entries), 500):
        res = kinesis.put_records(StreamName=STREAM, Records=entries[i:i + 500])
        if res["FailedRecordCount"]:
            fail(f"PutRecords failed {res['FailedRecordCount']} records")
    return len(entries), aggregated


def delivered_lines(s3):
    n = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for obj in page.get("Contents", []):
            body = s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read()
            if KPL_MAGIC in body:
                fail(f"{obj['Key']} holds a KPL aggregate that was not de-aggregated")
            n += body.count(b"\n")
    return n


def athena_query(athena, sql):
    qid = athena.start_query_execution(
        QueryString=sql, QueryExecutionContext={"Database": DATABASE},
        ResultConfiguration={"OutputLocation": f"s3://{RESULTS}/"})["QueryExecutionId"]

    def done():
        st = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]
        return st if st["State"] in ("SUCCEEDED", "FAILED", "CANCELLED") else None

    st = until(60, "the Athena query", done)
    if st["State"] != "SUCCEEDED":
        fail(f"Athena {sql!r}: {st.get('StateChangeReason')}")
    rows = []
    for page in athena.get_paginator("get_query_results").paginate(QueryExecutionId=qid):
        rows += [[c.get("VarCharValue") for c in r["Data"]] for r in page["ResultSet"]["Rows"]]
    return rows[1:]  # the first row holds the column names


def main(binary):
    shoal = Shoal(binary)
    try:
        run(shoal)
    except BaseException:
        print("# server log:\n" + shoal.log(), file=sys.stderr)
        raise
    finally:
        shoal.close()


def create_role(iam, arn, services, policies):
    """Creates a role the given services may assume, with managed policies attached."""
    name = arn.rsplit("/", 1)[1]
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": services}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    for policy in policies:
        iam.attach_role_policy(RoleName=name, PolicyArn=MANAGED + policy)


def run(shoal):
    s3, kinesis, firehose = shoal.client("s3"), shoal.client("kinesis"), shoal.client("firehose")
    glue, athena, iam = shoal.client("glue"), shoal.client("athena"), shoal.client("iam")
    print(f"# boto3 {boto3.__version__} against {shoal.endpoint}", flush=True)
    create_role(iam, ROLE, ["firehose.amazonaws.com", "glue.amazonaws.com"],
                ["AmazonS3FullAccess", "service-role/AWSGlueServiceRole", "AmazonKinesisReadOnlyAccess"])
    create_role(iam, SPECTRUM_ROLE, ["redshift.amazonaws.com"],
                ["AmazonS3ReadOnlyAccess", "service-role/AWSGlueServiceRole"])
    ok("roles for the delivery stream and crawler, and for Spectrum")
    s3.create_bucket(Bucket=BUCKET)
    s3.create_bucket(Bucket=RESULTS)

    kinesis.create_stream(StreamName=STREAM, ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName=STREAM, WaiterConfig={"Delay": 1})
    arn = kinesis.describe_stream_summary(StreamName=STREAM)["StreamDescriptionSummary"]["StreamARN"]
    ok(f"stream {STREAM} active")

    firehose.create_delivery_stream(
        DeliveryStreamName=DELIVERY, DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": arn, "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration={
            "BucketARN": f"arn:aws:s3:::{BUCKET}", "RoleARN": ROLE,
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 1}})
    until(30, "the delivery stream", lambda: firehose.describe_delivery_stream(DeliveryStreamName=DELIVERY)
          ["DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")
    ok(f"delivery stream {DELIVERY} reads {STREAM}")

    lines = order_lines(LINES)
    records, aggregated = put_orders(kinesis, lines)
    ok(f"put {LINES} order lines as {records} records ({aggregated} lines KPL-aggregated)")
    until(60, "every line in S3", lambda: delivered_lines(s3) == LINES)
    ok(f"{LINES} lines delivered, de-aggregated")

    glue.create_crawler(Name=CRAWLER, Role=ROLE, DatabaseName=DATABASE,
                        Targets={"S3Targets": [{"Path": f"s3://{BUCKET}/"}]})
    glue.start_crawler(Name=CRAWLER)
    crawl = until(60, "the crawler", lambda: (lambda c: c if c["State"] == "READY" and c.get("LastCrawl") else None)(
        glue.get_crawler(Name=CRAWLER)["Crawler"]))
    if crawl["LastCrawl"]["Status"] != "SUCCEEDED":
        fail(f"crawl {crawl['LastCrawl']}")
    tables = glue.get_tables(DatabaseName=DATABASE)["TableList"]
    if len(tables) != 1:
        fail(f"crawler made tables {[t['Name'] for t in tables]}, want one")
    table = tables[0]
    keys = [k["Name"] for k in table["PartitionKeys"]]
    if keys != ["partition_0", "partition_1", "partition_2", "partition_3"]:
        fail(f"partition keys {keys}")
    columns = {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]}
    for want in ("invoiceno", "description", "quantity", "unitprice", "customer", "country"):
        if want not in columns:
            fail(f"column {want} missing from {columns}")
    ok(f"crawler made {DATABASE}.{table['Name']} with partition keys {', '.join(keys)}")

    parts = glue.get_partitions(DatabaseName=DATABASE, TableName=table["Name"])["Partitions"]
    months = sorted({tuple(p["Values"][:2]) for p in parts})
    expected = collections.Counter(l["Description"] for l in lines if l["Country"] == "France")
    sql = ("select description, count(*) as count from {t} where country='France' "
           "and partition_0='{y}' and partition_1='{m}' group by description")

    got = collections.Counter()
    for y, m in months:
        for desc, count in athena_query(athena, sql.format(t=table["Name"], y=y, m=m)):
            got[desc] += int(count)
    if got != expected:
        fail(f"Athena counts differ: got {dict(got)}, want {dict(expected)}")
    ok(f"Athena: {len(got)} descriptions, {sum(got.values())} French lines, as computed")

    shoal.psql(f"CREATE EXTERNAL SCHEMA orderlogs_schema FROM DATA CATALOG DATABASE '{DATABASE}' "
               f"IAM_ROLE '{SPECTRUM_ROLE}'")
    got = collections.Counter()
    for y, m in months:
        out = shoal.psql(sql.format(t="orderlogs_schema." + table["Name"], y=y, m=m))
        for row in out.splitlines():
            desc, count = row.split("\t")
            got[desc] += int(count)
    if got != expected:
        fail(f"warehouse counts differ: got {dict(got)}, want {dict(expected)}")
    ok("psql: the same query through orderlogs_schema gives the same counts")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])

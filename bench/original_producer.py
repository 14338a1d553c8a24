#!/usr/bin/python3
"""A RE-CREATION of the original Python producer, for footprint comparisons.

This is not the original file. It is a small re-creation of what
NikkaLuna/Real_Time_Kafka_Data_Stream_Visualization's Producer.py did, as
/work/shared/seed/ORIGINAL-BEHAVIOUR.md describes it: every 0.5 s it reads
the total CPU usage with psutil, truncates it to an integer, and sends it to
topic `test-topic` as an unsigned 2-byte big-endian integer (42 % is 00 2A),
with kafka-python's default client settings (acks=1, no retries, no key,
no timestamp of its own). It sends 1000 samples and exits without flushing.
It also prints every value, as the original did.

The one difference: the original connected to localhost:9092; this takes
the broker address as its argument, so it can be pointed at the broker of a
benchmark run.

    /usr/bin/python3 bench/original_producer.py 127.0.0.1:PORT

Run it with Debian's interpreter (python3-kafka and python3-psutil are
Debian packages; a pyenv python3 on PATH will not have them).
"""
import sys
import time

import psutil
from kafka import KafkaProducer

TOPIC = "test-topic"
SAMPLES = 1000


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: original_producer.py HOST:PORT")
    producer = KafkaProducer(bootstrap_servers=sys.argv[1])
    for _ in range(SAMPLES):
        time.sleep(0.5)
        usage = int(psutil.cpu_percent())
        print(usage)
        producer.send(TOPIC, usage.to_bytes(2, "big"))
    # No flush and no close, like the original: its last messages may be lost.


if __name__ == "__main__":
    main()

"""Payloads of real DIY meters, as their documentation shows them (whitespace aside).

Each is kept as published, with where it was found; the tests derive the variants they need.
"""

from __future__ import annotations

# Tasmota's tele/<topic>/SENSOR of a power-monitoring plug, default settings (Time in local time,
# no offset): https://blog.mylocalbytes.com/kb/2022-01-10/LB-PM-Power-Monitoring (Local Bytes'
# knowledge base, "Accessing power usage from Tasmota smart plugs", as MQTT Explorer shows it).
TASMOTA_SENSOR = b"""{
  "Time": "2022-01-11T21:57:38",
  "ENERGY": {
    "TotalStartTime": "2020-10-21T22:15:00",
    "Total": 3.705,
    "Yesterday": 0.028,
    "Today": 0.026,
    "Period": 1,
    "Power": 5,
    "ApparentPower": 5,
    "ReactivePower": 0,
    "Factor": 1.00,
    "Voltage": 233,
    "Current": 0.021
  }
}"""

# A two-channel Tasmota (Sonoff Dual R3): one Total per channel.
# https://github.com/arendst/Tasmota/issues/18385 (the SENSOR line of its log, cut there after
# "Today"; closed here).
TASMOTA_DUAL_SENSOR = (
    b'{"Time":"2023-04-11T07:31:34","Switch1":"ON","Switch2":"ON","ENERGY":'
    b'{"TotalStartTime":"1970-01-14T15:24:55","Total":[0.000,2.910],"Yesterday":[0.000,1.563],'
    b'"Today":[0.000,1.347]}}'
)

# A Tasmota whose SENSOR holds no ENERGY (an analog CT and a temperature sensor).
# https://gist.github.com/tablatronix/1ff3262f8ab9f73af814fbd6a77fad98
TASMOTA_NO_ENERGY = (
    b'{"Time":"2021-06-13T06:59:52","ANALOG":{"CTEnergy":{"Energy":0.006,"Power":2068,'
    b'"Voltage":230,"Current":8.992}},"DHT11":{"Temperature":23.0,"Humidity":37.0,'
    b'"DewPoint":7.5},"TempUnit":"C"}'
)

# A Shelly Gen2 switch's status (Switch.GetStatus; what "Generic status update over MQTT"
# publishes on <prefix>/status/switch:0): aenergy.total in Wh, minute_ts in unix seconds.
# https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Switch#status (its example).
SHELLY_SWITCH_STATUS = b"""{
  "id": 0,
  "source": "WS_in",
  "output": false,
  "apower": 0,
  "voltage": 225.9,
  "current": 0,
  "freq": 50,
  "aenergy": {"total": 11.679, "by_minute": [0, 0, 0], "minute_ts": 1654511972},
  "ret_aenergy": {"total": 5.817, "by_minute": [0, 0, 0], "minute_ts": 1654511615},
  "temperature": {"tC": 53.3, "tF": 127.9}
}"""

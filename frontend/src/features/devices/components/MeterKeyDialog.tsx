import { useState } from "react";
import { errorText } from "../../../components/ErrorMessage";
import { FormError } from "../../../components/FormActions";
import { Modal } from "../../../components/Modal";
import { showToast } from "../../../components/Toast";
import { useIssueMeterKey, useRevokeMeterKey } from "../api/meter-key";
import "./meter-key.css";
import type { Device, MeterKey } from "../api/types";

/** Tasmota's SENSOR period, in seconds (10 to 3600), for the device's reading interval. */
export function telePeriod(intervalMinutes: number): number {
  return Math.min(3600, Math.max(10, intervalMinutes * 60));
}

/** The FullTopic that puts a Tasmota's topics, its group topic's too, under its device's subtree. */
export function tasmotaFullTopic(key: MeterKey): string {
  return `${key.mqtt.topic_prefix}/%prefix%/`;
}

/** The command that sends one reading with the key, now (README: "Connect a real meter"). */
export function mosquittoCommand(key: MeterKey, deviceId: string): string {
  const { mqtt } = key;
  const reading = `{\\"timestamp\\": $(date +%s000), \\"device_id\\": \\"${deviceId}\\", \\"measurement_value\\": 0.25}`;
  return (
    `mosquitto_pub -h ${mqtt.host} -p ${mqtt.port} -q ${mqtt.qos} ` +
    `-u '${mqtt.username}' -P '${key.password}' -t '${mqtt.topic}' -m "${reading}"`
  );
}

/**
 * A device's meter key: issue (or rotate) it, then see its password once with what a meter
 * needs to connect over MQTT or AMQP; or revoke it. device_service keeps no copy of the password,
 * so closing the dialog is the last chance to copy it.
 */
export function MeterKeyDialog({ device, onClose }: { device: Device; onClose: () => void }) {
  const issue = useIssueMeterKey();
  const revoke = useRevokeMeterKey();
  const [key, setKey] = useState<MeterKey | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const busy = issue.isPending || revoke.isPending;
  const error = issue.error ?? revoke.error;

  function issueKey() {
    revoke.reset();
    issue.mutate(device.id, { onSuccess: setKey });
  }

  function revokeKey() {
    issue.reset();
    revoke.mutate(device.id, {
      onSuccess: () => {
        setKey(null);
        setConfirmRevoke(false);
        onClose();
        showToast(`Revoked the meter key of ${device.name}.`);
      },
    });
  }

  return (
    <Modal title={`Meter key of ${device.name}`} onClose={onClose}>
      {key ? (
        <KeyDetails meterKey={key} device={device} />
      ) : (
        <p>
          A meter key lets the device&apos;s meter publish its own readings (MQTT or AMQP) and nothing else. Issuing a
          new key stops any earlier key of this device at once.
        </p>
      )}
      {confirmRevoke && (
        <p className="alert" role="status">
          Revoke the key? The meter can no longer send readings until it gets a new one.
        </p>
      )}
      <FormError message={error ? errorText(error) : null} />
      <div className="actions">
        <button type="button" className="secondary" onClick={onClose}>
          {key ? "Done" : "Cancel"}
        </button>
        {confirmRevoke ? (
          <button type="button" className="danger" disabled={busy} onClick={revokeKey}>
            {revoke.isPending ? "Revoking…" : "Yes, revoke"}
          </button>
        ) : (
          <button type="button" className="danger" disabled={busy} onClick={() => setConfirmRevoke(true)}>
            Revoke key
          </button>
        )}
        <button type="button" disabled={busy} onClick={issueKey}>
          {issue.isPending ? "Issuing…" : key ? "Rotate key" : "Issue new key"}
        </button>
      </div>
    </Modal>
  );
}

/** The settings to enter for the device's meter payload (its meter_format). */
function KeyDetails({ meterKey: key, device }: { meterKey: MeterKey; device: Device }) {
  const format = device.meter_format ?? "ems";
  return (
    <div className="meter-key" data-testid="meter-key" data-format={format}>
      <p className="alert" role="status">
        Copy the password now: it is shown only once. Issuing a new key replaces it.
      </p>
      {format === "tasmota" && <TasmotaSettings meterKey={key} device={device} />}
      {format === "shelly" && <ShellySettings meterKey={key} />}
      {format === "ems" && <EmsSettings meterKey={key} deviceId={device.id} />}
    </div>
  );
}

function TasmotaSettings({ meterKey: key, device }: { meterKey: MeterKey; device: Device }) {
  const period = `TelePeriod ${telePeriod(device.reading_interval_minutes ?? 10)}`;
  return (
    <>
      <h3>Tasmota: Configuration → Configure MQTT</h3>
      <dl className="meter-key-details">
        <Row label="Host" value={key.mqtt.host} />
        <Row label="Port" value={String(key.mqtt.port)} />
        <Row label="User" value={key.mqtt.username} copy="user" />
        <Row label="Password" value={key.password} copy="password" />
        <Row label="Client" value={key.mqtt.client_id} copy="client" />
        <Row label="Full Topic" value={tasmotaFullTopic(key)} copy="full topic" />
      </dl>
      <h3>Tasmota: Console</h3>
      <dl className="meter-key-details">
        <Row label="Time with offset" value="SetOption52 1" copy="SetOption52 command" />
        <Row label="Send every" value={period} copy="TelePeriod command" />
      </dl>
      <p className="muted meter-key-note">
        Without <code>SetOption52 1</code> Tasmota sends local time without a UTC offset, and its readings are refused.
        Its energy total arrives on <code>{key.mqtt.topic_prefix}/tele/SENSOR</code>. Its command subscriptions are the
        key&rsquo;s own as client <code>{key.mqtt.client_id}</code>. If the web form cuts a long value, enter it in the
        Console (README, &ldquo;Connect a real meter&rdquo;).
      </p>
    </>
  );
}

function ShellySettings({ meterKey: key }: { meterKey: MeterKey }) {
  return (
    <>
      <h3>Shelly Gen2: Settings → MQTT</h3>
      <dl className="meter-key-details">
        <Row label="Enable" value="on" />
        <Row label="Server" value={`${key.mqtt.host}:${key.mqtt.port}`} copy="server" />
        <Row label="Client ID" value={key.mqtt.client_id} copy="client id" />
        <Row label="User" value={key.mqtt.username} copy="user" />
        <Row label="Password" value={key.password} copy="password" />
        <Row label="MQTT prefix" value={key.mqtt.topic_prefix} copy="prefix" />
        <Row label="Generic status update over MQTT" value="on" />
      </dl>
      <p className="muted meter-key-note">
        Its switch status (energy in <code>aenergy.total</code>) arrives on{" "}
        <code>{key.mqtt.topic_prefix}/status/switch:0</code>. RPC over MQTT and MQTT control may stay on: its
        subscriptions under that prefix are the key&rsquo;s own as this Client ID.
      </p>
    </>
  );
}

function EmsSettings({ meterKey: key, deviceId }: { meterKey: MeterKey; deviceId: string }) {
  const command = mosquittoCommand(key, deviceId);
  return (
    <>
      <dl className="meter-key-details">
        <Row label="Username" value={key.username} />
        <Row label="Password" value={key.password} copy="password" />
      </dl>
      <h3>MQTT</h3>
      <dl className="meter-key-details">
        <Row label="Host" value={key.mqtt.host} />
        <Row label="Port" value={String(key.mqtt.port)} />
        <Row label="MQTT username" value={key.mqtt.username} />
        <Row label="Topic" value={key.mqtt.topic} copy="topic" />
        <Row label="QoS" value={String(key.mqtt.qos)} />
      </dl>
      <h3>AMQP</h3>
      <dl className="meter-key-details">
        <Row label="AMQP host" value={key.amqp.host} />
        <Row label="AMQP port" value={String(key.amqp.port)} />
        <Row label="Virtual host" value={key.amqp.vhost} />
        <Row label="Exchange" value={key.amqp.exchange} />
        <Row label="Routing key" value={key.amqp.routing_key} />
      </dl>
      <h3>Try it</h3>
      <pre className="meter-key-command" tabIndex={0}>
        {command}
      </pre>
      <CopyButton what="command" text={command} />
    </>
  );
}

function Row({ label, value, copy }: { label: string; value: string; copy?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <code>{value}</code> {copy && <CopyButton what={copy} text={value} />}
      </dd>
    </>
  );
}

function CopyButton({ what, text }: { what: string; text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="secondary small"
      aria-label={`Copy ${what}`}
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setCopied(true),
          () => showToast(`Could not copy the ${what}: select it and copy it by hand.`),
        );
      }}
    >
      {copied ? "Copied" : "Copy"}
    </button>
  );
}

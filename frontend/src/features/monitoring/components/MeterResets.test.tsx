import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { formatInstant } from "../format";
import { MeterResets, RESETS_SHOWN } from "./MeterResets";

const TZ = "Europe/Bucharest";

describe("MeterResets", () => {
  it("lists each reset's local time and the register before and after it", () => {
    render(
      <MeterResets
        resets={[
          { timestamp: "2026-05-04T10:00:00+00:00", before_kwh: 105.3, after_kwh: 2 },
          { timestamp: "2026-05-04T06:15:00+00:00", before_kwh: 0.25, after_kwh: 0 },
        ]}
        tz={TZ}
        title="Monday, 4 May 2026"
      />,
    );
    const section = screen.getByRole("region", { name: /Meter resets/ });
    expect(section).toHaveTextContent("a new baseline");
    const items = within(section).getAllByTestId("meter-reset");
    expect(items).toHaveLength(2);
    // 10:00 UTC is 13:00 in Bucharest (summer time): the page's zone, not UTC.
    expect(within(items[0]).getByText(formatInstant("2026-05-04T10:00:00+00:00", TZ))).toHaveAttribute(
      "datetime",
      "2026-05-04T10:00:00+00:00",
    );
    expect(formatInstant("2026-05-04T10:00:00+00:00", TZ)).toMatch(/13:00/);
    expect(items[0]).toHaveTextContent(/register 105\.30 kWh.*2\.00 kWh/);
    expect(items[0]).toHaveTextContent("went down to");
    expect(items[1]).toHaveTextContent(/register 0\.25 kWh.*0 kWh/);
    expect(screen.queryByTestId("meter-resets-more")).not.toBeInTheDocument();
  });

  it("shows nothing when there is no reset", () => {
    const { container } = render(<MeterResets resets={[]} tz={TZ} title="May 2026" />);
    expect(container).toBeEmptyDOMElement();
  });

  it("lists the latest ones of many and says how many there are", () => {
    const resets = Array.from({ length: RESETS_SHOWN + 5 }, (_, i) => ({
      timestamp: new Date(Date.UTC(2026, 4, 31, 0, 0) - i * 3_600_000).toISOString(),
      before_kwh: 10,
      after_kwh: 0,
    }));
    render(<MeterResets resets={resets} tz={TZ} title="May 2026" />);
    const items = screen.getAllByTestId("meter-reset");
    expect(items).toHaveLength(RESETS_SHOWN);
    expect(items[0].dataset.timestamp).toBe(resets[0].timestamp);
    expect(screen.getByTestId("meter-resets-more")).toHaveTextContent(
      `The latest ${RESETS_SHOWN} of ${RESETS_SHOWN + 5} in May 2026.`,
    );
  });
});

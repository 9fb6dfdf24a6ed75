// Loads every device so that each registers itself (devfs lists the registry).
import './null';
import './zero';
import './full';
import './random';
import './tty';
import './console';

export { registeredDevices, registerDevice, type DeviceSpec } from './registry';

import { captureTargetsAtLoad } from '../config';
import { captureTargetsFromSetting } from '../domain/capture-config';
import { captureTriggers } from './capture';

// Read while the module loads: the targets decide which triggers exist (see config.ts).
export const capture = captureTriggers(captureTargetsFromSetting(captureTargetsAtLoad()));
